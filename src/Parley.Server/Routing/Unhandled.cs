using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>The one rule for answering stanzas nobody could take (<see cref="StanzaDelivery.Bounce(Parley.Server.Sessions.Origin, Element, StanzaError)"/>, federation bounces).</summary>
internal static class Unhandled
{
    /// <summary>
    /// Whether a stanza that could not be delivered is answered with an error: RFC 6120 §8.3.1
    /// never answers an error with an error, and IQ results are never answered (§8.2.3); presence is
    /// dropped silently (RFC 6121 §8.5.1, §8.5.2.1.2), so nothing reveals whether an account exists.
    /// </summary>
    public static bool Answers(Element stanza) => AnswersUnreachable(stanza) && stanza.Name != "presence";

    /// <summary>
    /// Whether a stanza that could not reach another domain is answered: presence too, with the rest
    /// (RFC 6120 §10.4.3: remote-server-not-found to the sender). The RFC 6121 §8.5.1 silence hides
    /// whether a local account exists; an unreachable domain hides nothing, and a client joining a
    /// room there (XEP-0045 §7.2) should fail at once instead of waiting. Never an error to an error
    /// nor to an IQ result (RFC 6120 §8.3.1, §8.2.3).
    /// </summary>
    public static bool AnswersUnreachable(Element stanza)
    {
        var type = Stanza.Type(stanza);
        return type != "error" && !(stanza.Name == "iq" && type == "result");
    }
}
