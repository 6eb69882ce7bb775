using System.Net.Security;
using Parley.Server.Modules.Events;
using Parley.Server.Negotiation;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>A client stream: <see cref="C2sNegotiator"/> until a resource is bound, then the router.</summary>
/// <param name="kind">The listener for logs: "c2s", "c2s-tls", "ws", "bosh".</param>
/// <param name="secure">The transport is already confidential (direct TLS, HTTPS below a WebSocket or BOSH): no STARTTLS to offer.</param>
internal sealed class C2sRole(C2sConnectionHandler server, XmppConnection connection, string kind, bool secure) : IStreamRole
{
    private readonly C2sNegotiator _negotiator = new(server.Negotiation, connection, connection, secure);
    private readonly ClientIdlePolicy _idle = new(server.Connections, connection);
    private ClientSession? _session;
    private bool _kept;

    public string Kind => kind;

    public string ContentNamespace => Namespaces.Client;

    public IReadOnlyList<KeyValuePair<string, string>> HeaderDeclarations => [];

    public bool IsEstablished => _session is not null;

    public void OnStarted()
    {
        // The client speaks first (RFC 6120 §4.2).
    }

    public NegotiationAction OnStreamOpened(StreamHeader header) => _negotiator.OnStreamOpened(header);

    public async ValueTask<NegotiationAction> OnElementAsync(Element element, CancellationToken cancellationToken)
    {
        if (_session is not null)
        {
            await server.Router.RouteAsync(_session, element, cancellationToken).ConfigureAwait(false);
            return NegotiationAction.None;
        }

        var action = await _negotiator.OnElementAsync(element, cancellationToken).ConfigureAwait(false);
        if (action == NegotiationAction.Bound)
        {
            _session = _negotiator.Session;
        }

        return action;
    }

    public Task<(SslStream Stream, TlsState State)> AuthenticateTlsAsync(Stream transport, bool directTls, CancellationToken cancellationToken) =>
        server.Connections.Tls.AuthenticateAsync(transport, directTls, _negotiator.Domain, cancellationToken);

    public void OnTlsEstablished(TlsState tls) => _negotiator.OnTlsEstablished(tls);

    public void OnStreamRestarted()
    {
        // The client sends the new header.
    }

    public IReadOnlyList<XmlAttribute> ErrorHeader(StreamHeader? peerHeader) => _negotiator.ErrorHeader(peerHeader);

    public void OnHeartbeat(long timestamp)
    {
        // The negotiation deadline is the connection's; once bound, the idle probe and timeout apply.
        if (_session is { } session)
        {
            _idle.Check(timestamp, session);
        }
    }

    /// <summary>
    /// The transport is ending: a module may keep the session detached for a while (stream
    /// management), decided before the connection refuses anything, so what is sent from now on is
    /// held by the session. A replaced session (RFC 6120 §7.7.2.2) is no longer bound and is not kept.
    /// </summary>
    public void OnTransportEnding(TransportEnd end)
    {
        var services = server.Negotiation;
        if (_session is { } session
            && ReferenceEquals(session.Endpoint, connection)
            && ReferenceEquals(services.Sessions.Find(session.Jid), session)
            && services.Modules.KeepAfterTransportEnd(session, end) is { } keep)
        {
            // Held like a connection's outbox: bounded by Limits:OutboundQueueLength.
            session.Detach(connection, server.Connections.Options.Limits.OutboundQueueLength, keep, server.Connections.Heartbeat.Time, s => EndAsync(s, closedByClient: false).AsTask());
            _kept = true;
        }
    }

    /// <summary>
    /// The connection has closed: unless the session was kept, it ends (unbound, its unavailable
    /// presence broadcast); a kept one ends when its time runs out unresumed. A replaced session
    /// simply goes, and its per-session state with it; one resumed on another connection (XEP-0198
    /// §5) is no longer this stream's to end.
    /// </summary>
    public async ValueTask OnClosedAsync()
    {
        if (_session is { } session && !_kept && ReferenceEquals(session.Endpoint, connection))
        {
            await EndAsync(session, connection.End == TransportEnd.Closed).ConfigureAwait(false);
        }
    }

    private async ValueTask EndAsync(ClientSession session, bool closedByClient)
    {
        if (server.Negotiation.Sessions.Unbind(session))
        {
            await server.Negotiation.Modules.PublishAsync(new SessionClosed(session, closedByClient)).ConfigureAwait(false);
        }
    }

}
