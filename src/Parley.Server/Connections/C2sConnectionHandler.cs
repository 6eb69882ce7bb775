using Microsoft.AspNetCore.Connections;
using Parley.Server.Negotiation;
using Parley.Server.Routing;
using Parley.Xmpp.Xml;

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
        new XmppConnection(context, connections, directTls, connection => new C2sRole(this, connection, directTls ? "c2s-tls" : "c2s", directTls)).RunAsync();

    /// <summary>
    /// A client stream over an accepted WebSocket (RFC 7395), its messages carried by
    /// <paramref name="context"/>'s pipes as <see cref="WebSocketFraming"/> expects them.
    /// </summary>
    /// <param name="secure">The HTTP connection is HTTPS, or plain on a listener the configuration allows it on.</param>
    /// <param name="framing">The transport's <see cref="WebSocketFraming"/>.</param>
    public Task HandleWebSocketAsync(ConnectionContext context, bool secure, Func<XmlLimits, IStreamFraming> framing) =>
        new XmppConnection(context, connections, directTls: false, connection => new C2sRole(this, connection, "ws", secure), framing).RunAsync();
}
