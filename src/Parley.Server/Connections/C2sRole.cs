using System.Net.Security;
using Parley.Server.Modules.Events;
using Parley.Server.Negotiation;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>A client stream: <see cref="C2sNegotiator"/> until a resource is bound, then the router.</summary>
internal sealed class C2sRole(C2sConnectionHandler server, XmppConnection connection, bool directTls) : IStreamRole
{
    private readonly C2sNegotiator _negotiator = new(server.Negotiation, connection, connection, directTls);
    private readonly ClientIdlePolicy _idle = new(server.Connections, connection);
    private ClientSession? _session;

    public string Kind => directTls ? "c2s-tls" : "c2s";

    public string ContentNamespace => Namespaces.Client;

    public IReadOnlyList<KeyValuePair<string, string>> HeaderDeclarations => [];

    public bool IsEstablished => _session is not null;

    public void OnStarted()
    {
        // The client speaks first (RFC 6120 §4.2).
    }

    public NegotiationAction OnStreamOpened(Element header, string? defaultNamespace) => _negotiator.OnStreamOpened(header, defaultNamespace);

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

    public IReadOnlyList<XmlAttribute> ErrorHeader(Element? peerHeader) => _negotiator.ErrorHeader(peerHeader);

    public void OnHeartbeat(long timestamp)
    {
        // The negotiation deadline is the connection's; once bound, the idle probe and timeout apply.
        if (_session is { } session)
        {
            _idle.Check(timestamp, session);
        }
    }

    public async ValueTask OnClosedAsync()
    {
        if (_session is { } session && server.Negotiation.Sessions.Unbind(session))
        {
            await server.Negotiation.Modules.PublishAsync(new SessionClosed(session)).ConfigureAwait(false);
        }
    }
}
