using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Connections;

/// <summary>
/// What every <see cref="XmppConnection"/> shares, whatever its role (client, server-to-server in
/// either direction, component): options, TLS, the one heartbeat, the connection limits and the
/// logger (Kestrel's ServiceContext). It knows no router and no negotiator, so federation can take
/// it without a cycle back through routing.
/// </summary>
internal sealed class ConnectionServices(
    IOptions<ParleyOptions> options,
    ServerTls tls,
    Heartbeat heartbeat,
    ConnectionLimiter limiter,
    ILogger<XmppConnection> logger)
{
    public ParleyOptions Options { get; } = options.Value;

    public ServerTls Tls { get; } = tls;

    public Heartbeat Heartbeat { get; } = heartbeat;

    public ILogger Logger { get; } = logger;

    /// <summary>Limits:MaxConnections and Limits:MaxConnectionsPerIp, over every listener.</summary>
    public ConnectionLimiter Limiter { get; } = limiter;
}
