using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Negotiation;
using Parley.Server.Routing;

namespace Parley.Server.Connections;

/// <summary>
/// Serves the client listeners: builds an <see cref="XmppConnection"/> per accepted connection
/// and runs it for as long as the connection lives. Holds what every connection shares.
/// </summary>
internal sealed class C2sConnectionHandler(
    IOptions<ParleyOptions> options,
    NegotiationServices negotiation,
    StanzaRouter router,
    ServerTls tls,
    Heartbeat heartbeat,
    ConnectionLimiter limiter,
    ILogger<XmppConnection> logger)
{
    public ParleyOptions Options { get; } = options.Value;

    public NegotiationServices Negotiation { get; } = negotiation;

    public StanzaRouter Router { get; } = router;

    public ServerTls Tls { get; } = tls;

    public Heartbeat Heartbeat { get; } = heartbeat;

    public ILogger Logger { get; } = logger;

    /// <summary>Limits:MaxConnections and Limits:MaxConnectionsPerIp, over every listener.</summary>
    public ConnectionLimiter Limiter { get; } = limiter;

    /// <param name="directTls">XEP-0368 listener: TLS before the stream; otherwise STARTTLS (RFC 6120 §5).</param>
    public Task HandleAsync(ConnectionContext context, bool directTls) => new XmppConnection(context, this, directTls).RunAsync();
}
