using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Server.Connections;
using Parley.Server.Hosting;

namespace Parley.Server.Http.WebSockets;

/// <summary>
/// XMPP over WebSocket (RFC 7395) at /xmpp-websocket: the handshake must ask for the 'xmpp'
/// subprotocol (§3.1) from an allowed origin; the accepted socket then runs a client stream with
/// the same negotiation, SASL, limits, read bucket and timeouts as a TCP one.
/// </summary>
internal sealed class XmppWebSocketEndpoint(
    C2sConnectionHandler handler,
    OriginPolicy origins,
    IOptions<ParleyOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time)
{
    public const string Path = "/xmpp-websocket";

    /// <summary>RFC 7395 §3.1: the registered subprotocol name.</summary>
    public const string SubProtocol = "xmpp";

    /// <summary>Room for whitespace around a stanza in one message, beyond Limits:MaxStanzaBytes.</summary>
    private const int MessageSlack = 4096;

    public async Task HandleAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status400BadRequest, "XMPP over WebSocket (RFC 7395): send a WebSocket handshake.").ConfigureAwait(false);
            return;
        }

        // RFC 7395 §3.1: without 'xmpp' among the requested subprotocols the server must not accept the handshake.
        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol, StringComparer.Ordinal))
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status400BadRequest, "The 'xmpp' WebSocket subprotocol is required (RFC 7395 §3.1).").ConfigureAwait(false);
            return;
        }

        if (!origins.Allows(http.Request))
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status403Forbidden, "This origin may not connect (Http:AllowedOrigins).").ConfigureAwait(false);
            return;
        }

        var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = SubProtocol }).ConfigureAwait(false);
        var parley = options.Value;
        var connection = new WebSocketConnection(http, socket, parley.Limits.MaxStanzaBytes + (long)MessageSlack, lifetime.ApplicationStopping);
        var secure = HttpSecurity.IsSecure(http, parley.Http);
        await connection.RunAsync(
            context => handler.HandleFramedAsync(context, "ws", secure, limits => new WebSocketFraming(limits, () => connection.Fault)),
            time).ConfigureAwait(false);
    }
}
