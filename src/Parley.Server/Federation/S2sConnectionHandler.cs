using Microsoft.AspNetCore.Connections;
using Parley.Server.Connections;
using Parley.Server.Routing;

namespace Parley.Server.Federation;

/// <summary>
/// Serves the server-to-server listener (S2s:Port): each accepted connection runs an
/// <see cref="XmppConnection"/> in the <see cref="S2sInboundRole"/>.
/// </summary>
internal sealed class S2sConnectionHandler(ConnectionServices connections, FederationServices services, StanzaRouter router, S2sConnector connector)
{
    public FederationServices Services => services;

    public StanzaRouter Router => router;

    public S2sConnector Connector => connector;

    public Task HandleAsync(ConnectionContext context, bool directTls) =>
        new XmppConnection(context, connections, directTls, connection => new S2sInboundRole(this, connection, directTls)).RunAsync();
}
