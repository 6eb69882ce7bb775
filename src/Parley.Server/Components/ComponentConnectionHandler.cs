using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Parley.Server.Connections;
using Parley.Server.Routing;

namespace Parley.Server.Components;

/// <summary>
/// Serves the component listener (Components:Port): each accepted connection runs an
/// <see cref="XmppConnection"/> in the <see cref="ComponentRole"/>, so a component stream has the
/// parser limits, read-rate bucket, outbox and negotiation timeout of every other stream.
/// </summary>
internal sealed class ComponentConnectionHandler(ConnectionServices connections, HostedDomains domains, StanzaRouter router, ILogger<ComponentConnectionHandler> logger)
{
    public HostedDomains Domains => domains;

    public StanzaRouter Router => router;

    public ILogger Logger => logger;

    public Task HandleAsync(ConnectionContext context, bool directTls) =>
        new XmppConnection(context, connections, directTls, connection => new ComponentRole(this, connection)).RunAsync();
}
