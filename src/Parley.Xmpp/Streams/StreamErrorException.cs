namespace Parley.Xmpp.Streams;

/// <summary>
/// A condition that ends the stream (RFC 6120 §4.9). Raised once by whoever detects it and
/// written by the connection at its single choke point.
/// </summary>
public sealed class StreamErrorException : Exception
{
    public StreamErrorException(StreamErrorCondition condition, string? text = null)
        : base(text is null ? condition.ToString() : $"{condition}: {text}")
    {
        Condition = condition;
        Text = text;
    }

    /// <param name="application">An application-specific condition element sent after the defined one (RFC 6120 §4.9.4).</param>
    public StreamErrorException(StreamErrorCondition condition, string? text, Parley.Xmpp.Xml.Element? application)
        : this(condition, text)
    {
        Application = application;
    }

    public StreamErrorException()
        : this(StreamErrorCondition.UndefinedCondition)
    {
    }

    public StreamErrorException(string message)
        : this(StreamErrorCondition.UndefinedCondition, message)
    {
    }

    public StreamErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Condition = StreamErrorCondition.UndefinedCondition;
        Text = message;
    }

    public StreamErrorCondition Condition { get; }

    /// <summary>Optional human-readable text sent in the &lt;text/&gt; child.</summary>
    public string? Text { get; }

    /// <summary>Optional application-specific condition (RFC 6120 §4.9.4).</summary>
    public Parley.Xmpp.Xml.Element? Application { get; }
}
