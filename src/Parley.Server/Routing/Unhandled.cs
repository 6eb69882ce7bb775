using Parley.Server.Sessions;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>The single place that answers stanzas nobody could take.</summary>
internal static class Unhandled
{
    /// <summary>
    /// Replies with a stanza error unless that is forbidden: RFC 6120 §8.3.1 never answers an error
    /// with an error, and IQ results are never answered (§8.2.3); presence is dropped silently
    /// (RFC 6121 §8.5.1, §8.5.2.1.2), so nothing reveals whether an account exists.
    /// </summary>
    public static void Bounce(ClientSession origin, Element stanza, StanzaErrorCondition condition, string? text = null) =>
        Bounce(origin, stanza, StanzaError.Of(condition, text));

    /// <inheritdoc cref="Bounce(ClientSession, Element, StanzaErrorCondition, string?)"/>
    public static void Bounce(ClientSession origin, Element stanza, StanzaError error)
    {
        var type = Stanza.Type(stanza);
        if (type == "error" || (stanza.Name == "iq" && type == "result") || stanza.Name == "presence")
        {
            return;
        }

        origin.Send(Stanza.ErrorReply(stanza, error));
    }
}
