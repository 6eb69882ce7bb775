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
    /// A client stream carried by HTTP: an accepted WebSocket (RFC 7395) or a BOSH session (XEP-0206),
    /// its elements handed over by <paramref name="context"/>'s pipes as <paramref name="framing"/> expects them.
    /// </summary>
    /// <param name="kind">The transport for logs: "ws", "bosh".</param>
    /// <param name="secure">The HTTP connection is HTTPS, or plain on a listener the configuration allows it on.</param>
    public Task HandleFramedAsync(ConnectionContext context, string kind, bool secure, Func<XmlLimits, IStreamFraming> framing) =>
        new XmppConnection(context, connections, directTls: false, connection => new C2sRole(this, connection, kind, secure), framing).RunAsync();
}
