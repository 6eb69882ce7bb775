using Parley.Xmpp.Sasl;

namespace Parley.Client;

/// <summary>The server refused the credentials or the mechanism (RFC 6120 §6.4.5, §6.5).</summary>
public sealed class XmppAuthenticationException : Exception
{
    public XmppAuthenticationException(string mechanism, SaslFailureCondition condition, string? text = null)
        : base(text is null ? $"{mechanism}: {condition}" : $"{mechanism}: {condition}: {text}")
    {
        Mechanism = mechanism;
        Condition = condition;
        Text = text;
    }

    public XmppAuthenticationException()
        : this("", SaslFailureCondition.NotAuthorized)
    {
    }

    public XmppAuthenticationException(string message)
        : this("", SaslFailureCondition.NotAuthorized, message)
    {
    }

    public XmppAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Mechanism = "";
        Condition = SaslFailureCondition.NotAuthorized;
        Text = message;
    }

    /// <summary>The mechanism that was tried.</summary>
    public string Mechanism { get; }

    public SaslFailureCondition Condition { get; }

    /// <summary>The server's optional &lt;text/&gt;.</summary>
    public string? Text { get; }
}
