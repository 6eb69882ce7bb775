using System.Collections.Frozen;

namespace Parley.Xmpp.Xml;

/// <summary>
/// Interns names and namespace URIs so that the same string instance is reused across stanzas:
/// a shared frozen table of the common XMPP vocabulary, then a small per-stream table, bounded so
/// that a peer cannot grow it without limit by sending ever-new names.
/// </summary>
internal sealed class NameTable
{
    private const int MaxLearned = 512;

    private static readonly FrozenDictionary<string, string> Common = new[]
    {
        "stream", "features", "error", "text", "lang", "xml", "xmlns", "id", "to", "from", "type", "version",
        "message", "presence", "iq", "body", "subject", "thread", "show", "status", "priority", "x", "query",
        "starttls", "proceed", "failure", "auth", "mechanism", "mechanisms", "challenge", "response", "success", "abort",
        "bind", "resource", "jid", "session", "ping", "item", "items", "feature", "identity", "category", "name",
        "var", "node", "value", "field", "delay", "stamp", "c", "hash", "ver", "ext", "result", "set", "get",
        "chat", "groupchat", "headline", "normal", "unavailable", "subscribe", "subscribed", "unsubscribe",
        "unsubscribed", "probe", "required", "optional", "register", "username", "password", "email",
        "active", "inactive", "composing", "paused", "gone", "received", "request", "markable", "displayed",
        "stanza-id", "origin-id", "en", "1.0", "true", "false", "error", "cancel", "modify", "wait", "both", "none", "by", "forwarded", "archived", "fin", "set", "first", "last", "count", "max",
        "jabber:client", "jabber:server", "jabber:iq:roster", "jabber:iq:version", "jabber:iq:register", "jabber:x:data",
        Namespaces.Streams, Namespaces.StreamErrors, Namespaces.Stanzas, Namespaces.Tls, Namespaces.Sasl,
        Namespaces.Bind, Namespaces.Session, Namespaces.DiscoInfo, Namespaces.DiscoItems, Namespaces.Ping,
        Namespaces.Xml, "http://jabber.org/protocol/caps", "http://jabber.org/protocol/chatstates",
        "urn:xmpp:delay", "urn:xmpp:receipts", "urn:xmpp:sid:0", "urn:xmpp:mam:2", "urn:xmpp:carbons:2",
        "urn:xmpp:chat-markers:0", "urn:xmpp:forward:0", "urn:xmpp:sm:3", "urn:xmpp:csi:0",
    }.Distinct().ToFrozenDictionary(s => s, s => s, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> CommonLookup =
        Common.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly Dictionary<string, string> _learned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _learnedLookup;

    public NameTable() => _learnedLookup = _learned.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The shared instance of a common name or value, or null; learns nothing.</summary>
    public string? GetCommon(ReadOnlySpan<char> chars) => CommonLookup.TryGetValue(chars, out var common) ? common : null;

    public string Get(ReadOnlySpan<char> chars)
    {
        if (CommonLookup.TryGetValue(chars, out var common))
        {
            return common;
        }

        if (_learnedLookup.TryGetValue(chars, out var learned))
        {
            return learned;
        }

        var s = chars.ToString();
        if (_learned.Count < MaxLearned)
        {
            _learned.Add(s, s);
        }

        return s;
    }
}
