using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>An IQ handler's answer: a result (with an optional payload) or a stanza error, as a value.</summary>
internal readonly record struct IqReply(Element? Payload, StanzaError? Error)
{
    public static IqReply Empty => default;

    public static IqReply Result(Element payload) => new(payload, null);

    public static IqReply Fail(StanzaErrorCondition condition, string? text = null) => new(null, StanzaError.Of(condition, text));
}
