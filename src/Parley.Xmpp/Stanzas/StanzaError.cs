using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Xmpp.Stanzas;

/// <summary>A stanza error as a value (RFC 6120 §8.3): returned by handlers, turned into XML once.</summary>
/// <param name="Application">RFC 6120 §8.3.2: an optional application-specific condition element (e.g. XEP-0191 &lt;blocked/&gt;).</param>
public sealed record StanzaError(StanzaErrorType Type, StanzaErrorCondition Condition, string? Text = null, Element? Application = null)
{
    /// <summary>The error type RFC 6120 §8.3.3 gives as the usual one for each condition.</summary>
    public static StanzaError Of(StanzaErrorCondition condition, string? text = null) =>
        new(DefaultType(condition), condition, text);

    public static StanzaErrorType DefaultType(StanzaErrorCondition condition) => condition switch
    {
        StanzaErrorCondition.BadRequest or StanzaErrorCondition.JidMalformed or StanzaErrorCondition.NotAcceptable
            or StanzaErrorCondition.PolicyViolation or StanzaErrorCondition.Redirect => StanzaErrorType.Modify,
        StanzaErrorCondition.Forbidden or StanzaErrorCondition.NotAuthorized or StanzaErrorCondition.RegistrationRequired
            or StanzaErrorCondition.SubscriptionRequired => StanzaErrorType.Auth,
        StanzaErrorCondition.InternalServerError or StanzaErrorCondition.RecipientUnavailable
            or StanzaErrorCondition.ResourceConstraint or StanzaErrorCondition.RemoteServerTimeout
            or StanzaErrorCondition.UnexpectedRequest => StanzaErrorType.Wait,
        _ => StanzaErrorType.Cancel,
    };

    /// <param name="stanzaNamespace">jabber:client or jabber:server, the namespace of the stanza it goes in.</param>
    public Element ToElement(string stanzaNamespace = Namespaces.Client)
    {
        var error = new Element("error", stanzaNamespace);
        error.SetAttribute("type", ConditionNames<StanzaErrorType>.Name(Type));
        error.AddElement(ConditionNames<StanzaErrorCondition>.Name(Condition), Namespaces.Stanzas);
        if (Text is not null)
        {
            error.AddElement("text", Namespaces.Stanzas).SetAttribute("lang", "en", Namespaces.Xml).AddText(Text);
        }

        if (Application is not null)
        {
            // Cloned: the value may be shared, the error element is the caller's to change.
            error.Add(Application.Clone());
        }

        return error;
    }

    /// <summary>Reads the &lt;error/&gt; child of an error stanza, or null when it has none.</summary>
    public static StanzaError? FromStanza(Element stanza)
    {
        var error = stanza.Child("error", stanza.Namespace);
        if (error is null)
        {
            return null;
        }

        if (!ConditionNames<StanzaErrorType>.TryParse(error.GetAttribute("type") ?? "", out var type))
        {
            type = StanzaErrorType.Cancel;
        }

        var condition = StanzaErrorCondition.UndefinedCondition;
        foreach (var child in error.Children())
        {
            if (child.Namespace == Namespaces.Stanzas && child.Name != "text"
                && ConditionNames<StanzaErrorCondition>.TryParse(child.Name, out var c))
            {
                condition = c;
                break;
            }
        }

        return new StanzaError(type, condition, error.ChildText("text", Namespaces.Stanzas));
    }
}
