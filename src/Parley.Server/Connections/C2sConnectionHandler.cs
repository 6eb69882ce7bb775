using Microsoft.AspNetCore.Connections;
using Parley.Server.Negotiation;
using Parley.Server.Routing;

namespace Parley.Server.Connections;

/// <summary>
/// Serves the client listeners: builds an <see cref="XmppConnection"/> in the <see cref="C2sRole"/>
/// per accepted connection and runs it for as long as the connection lives.
/// </summary>
internal sealed class C2sConnectionHandler(ConnectionServices connections, NegotiationServices negotiation, StanzaRouter router)
{
    public ConnectionServices Connections => connections;

    public NegotiationServices Negotiation => negotiation;

    public StanzaRouter Router => router;

    /// <param name="directTls">XEP-0368 listener: TLS before the stream; otherwise STARTTLS (RFC 6120 §5).</param>
    public Task HandleAsync(ConnectionContext context, bool directTls) =>
        new XmppConnection(context, connections, directTls, connection => new C2sRole(this, connection, directTls)).RunAsync();
}
