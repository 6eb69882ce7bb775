using System.Net.Security;
using Parley.Server.Negotiation;
using Parley.Server.Sessions;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// The protocol side of an <see cref="XmppConnection"/>: what its stream is for (a client stream,
/// an inbound or an outbound server-to-server stream) and how it negotiates. The connection keeps
/// the read loop, the write loop, the outbox, TLS swapping and the stream-error choke point; the
/// role turns events into replies and actions. Called from the connection's read loop only, except
/// <see cref="OnHeartbeat"/>.
/// </summary>
internal interface IStreamRole
{
    /// <summary>The listener or direction for logs ("c2s", "s2s-in", "s2s-out").</summary>
    string Kind { get; }

    /// <summary>The stream's default namespace (RFC 6120 §4.8.2): jabber:client or jabber:server.</summary>
    string ContentNamespace { get; }

    /// <summary>Extra prefix declarations on the stream header (XEP-0220 §2.1: xmlns:db).</summary>
    IReadOnlyList<KeyValuePair<string, string>> HeaderDeclarations { get; }

    /// <summary>Negotiation is over (a resource is bound, or the server is authenticated): the negotiation timeout no longer applies.</summary>
    bool IsEstablished { get; }

    /// <summary>
    /// A stream this server opened (outbound server-to-server): its connection is counted by the
    /// federation's own limiter, not against the listeners' Limits:MaxConnections (issue 11 item 2).
    /// </summary>
    bool IsOutbound => false;

    /// <summary>The transport is ready (after direct TLS): the initiating entity sends its header now.</summary>
    void OnStarted();

    /// <summary>
    /// Whether the peer's header must carry version 1.x (RFC 6120 §4.7.5). XEP-0114 component streams
    /// carry none.
    /// </summary>
    bool HeaderCarriesVersion => true;

    /// <summary>The peer opened its stream; <paramref name="header"/> is already checked against <see cref="ContentNamespace"/> and the version (<see cref="StreamHeader.Check"/>).</summary>
    NegotiationAction OnStreamOpened(StreamHeader header);

    ValueTask<NegotiationAction> OnElementAsync(Element element, CancellationToken cancellationToken);

    /// <summary>Runs the TLS handshake in this role's direction (server or client side).</summary>
    Task<(SslStream Stream, TlsState State)> AuthenticateTlsAsync(Stream transport, bool directTls, CancellationToken cancellationToken);

    /// <summary>After the handshake: a new stream starts (RFC 6120 §5.4.3.3).</summary>
    void OnTlsEstablished(TlsState tls);

    /// <summary>After SASL success both sides start a new stream (RFC 6120 §6.4.6).</summary>
    void OnStreamRestarted();

    /// <summary>The attributes of the response header to send before a stream error when none was sent yet (RFC 6120 §4.9.1.1).</summary>
    IReadOnlyList<XmlAttribute> ErrorHeader(StreamHeader? peerHeader);

    /// <summary>Once per heartbeat, for the role's own timers (idle streams).</summary>
    void OnHeartbeat(long timestamp);

    /// <summary>
    /// The stream is about to close (<paramref name="end"/> says how), before anything more is refused:
    /// the moment a client role may detach its session to keep it (stream management). Nothing by default.
    /// </summary>
    void OnTransportEnding(TransportEnd end)
    {
    }

    /// <summary>The connection has closed: release whatever the stream held (the bound session).</summary>
    ValueTask OnClosedAsync();
}
