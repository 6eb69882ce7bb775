using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>One item of a connection's bounded outbox; the write loop is its only reader.</summary>
internal readonly record struct Outgoing(
    OutgoingKind Kind,
    Element? Element = null,
    IReadOnlyList<XmlAttribute>? Header = null,
    TaskCompletionSource? Paused = null,
    Task? Resume = null);
