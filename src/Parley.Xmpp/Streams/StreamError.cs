using Parley.Xmpp.Xml;

namespace Parley.Xmpp.Streams;

/// <summary>Builds and reads &lt;stream:error/&gt; elements (RFC 6120 §4.9.2).</summary>
public static class StreamError
{
    /// <param name="application">An application-specific condition (RFC 6120 §4.9.4), e.g. XEP-0198's &lt;handled-count-too-high/&gt;.</param>
    public static Element Create(StreamErrorCondition condition, string? text = null, Element? application = null)
    {
        var error = new Element("error", Namespaces.Streams);
        error.AddElement(ConditionNames<StreamErrorCondition>.Name(condition), Namespaces.StreamErrors);
        if (text is not null)
        {
            error.AddElement("text", Namespaces.StreamErrors)
                .SetAttribute("lang", "en", Namespaces.Xml)
                .AddText(text);
        }

        if (application is not null)
        {
            error.Add(application);
        }

        return error;
    }

    /// <summary>The defined condition of a received stream error, or undefined-condition.</summary>
    public static StreamErrorCondition ConditionOf(Element error)
    {
        foreach (var child in error.Children())
        {
            if (child.Namespace == Namespaces.StreamErrors && child.Name != "text"
                && ConditionNames<StreamErrorCondition>.TryParse(child.Name, out var condition))
            {
                return condition;
            }
        }

        return StreamErrorCondition.UndefinedCondition;
    }
}
