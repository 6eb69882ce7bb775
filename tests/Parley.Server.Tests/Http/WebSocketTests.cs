using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Http;

/// <summary>
/// XMPP over WebSocket (RFC 7395) on the plain loopback HTTP listener: the same negotiation, SASL,
/// limits and timeouts as TCP, one element per message, and every malformed input answered with the
/// right stream error while the server keeps serving others.
/// </summary>
public sealed class WebSocketTests
{
    private static readonly (string, string)[] Http = [("Http:Port", "5280")];

    [Fact]
    [Trait("Conformance", "RFC 7395 §3.1 §3.3 §3.4 §3.6")]
    public async Task A_websocket_client_logs_in_and_chats_with_a_tcp_client()
    {
        await using var server = await TestServer.StartAsync(Http);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var juliet = await RawWebSocket.ConnectAsync(server);
        Assert.Equal("xmpp", juliet.Socket.SubProtocol);
        var julietJid = await juliet.LoginAsync("juliet", "secret", "browser");
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        var romeoJid = await romeo.LoginAsync("romeo", "secret", "garden");

        await juliet.SendAsync($"<message xmlns='jabber:client' to='{romeoJid}' type='chat'><body>over the web &lt;&amp;&gt; ünï</body></message>");
        var received = await romeo.ExpectStanzaAsync("message");
        Assert.Equal(julietJid, received.GetAttribute("from"));
        Assert.Equal("over the web <&> ünï", received.ChildText("body", Namespaces.Client));

        await romeo.SendAsync($"<message to='{julietJid}' type='chat'><body>and back</body></message>");
        var reply = await juliet.ExpectAsync("message", Namespaces.Client);
        Assert.Equal(romeoJid, reply.GetAttribute("from"));
        Assert.Equal("and back", reply.ChildText("body", Namespaces.Client));

        // RFC 7395 §3.6: the client's <close/> is answered with the server's, then the WebSocket closes.
        await juliet.SendAsync("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        await juliet.ExpectAsync("close", Namespaces.Framing);
        Assert.Null(await juliet.NextMessageAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, juliet.Socket.CloseStatus);
    }

    [Fact]
    [Trait("Conformance", "RFC 7395 §3.1")]
    public async Task A_handshake_without_the_xmpp_subprotocol_is_refused()
    {
        await using var server = await TestServer.StartAsync(Http);
        Assert.Equal(400, await RawWebSocket.RefusedStatusAsync(server, subProtocol: null));
        Assert.Equal(400, await RawWebSocket.RefusedStatusAsync(server, subProtocol: "chat"));
        await AssertStillServingAsync(server);
    }

    [Fact]
    [Trait("Conformance", "RFC 6455 §10.2")]
    public async Task Only_allowed_origins_may_connect()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Http:AllowedOrigins:0", "https://chat.example")]);
        Assert.Equal(403, await RawWebSocket.RefusedStatusAsync(server, "xmpp", origin: "https://evil.example"));
        await using var allowed = await RawWebSocket.ConnectAsync(server, origin: "https://chat.example");
        await allowed.OpenAsync();
        // Same origin: a page served by this listener itself.
        await using var same = await RawWebSocket.ConnectAsync(server, origin: $"http://{server.Http}");
        await same.OpenAsync();
    }

    [Fact]
    [Trait("Conformance", "RFC 7395 §3.3.2")]
    public async Task Opening_with_a_stream_header_instead_of_open_is_a_stream_error()
    {
        await using var server = await TestServer.StartAsync(Http);
        await using var client = await RawWebSocket.ConnectAsync(server);
        await client.SendAsync(RawStream.Header.Replace("<?xml version='1.0'?>", "", StringComparison.Ordinal));
        // A stream header where the framing root already stands: RFC 6120 §4.9.3.1 bad-format.
        await client.ExpectStreamErrorAsync(StreamErrorCondition.BadFormat);
        await using var early = await RawWebSocket.ConnectAsync(server);
        await early.SendAsync("<presence xmlns='jabber:client'/>");
        await early.ExpectStreamErrorAsync(StreamErrorCondition.InvalidNamespace);
        await AssertStillServingAsync(server);
    }

    [Fact]
    [Trait("Conformance", "RFC 7395 §3.3.1")]
    public async Task Two_elements_in_one_message_end_the_stream()
    {
        await using var server = await TestServer.StartAsync(Http);
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawWebSocket.ConnectAsync(server);
        await client.LoginAsync("juliet", "secret");
        // The first is routed as it arrives; the second ends the stream.
        await client.SendAsync("<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.NotWellFormed);
        await AssertStillServingAsync(server);
    }

    [Fact]
    [Trait("Conformance", "RFC 7395 §3.3.1")]
    public async Task An_unterminated_element_ends_the_stream()
    {
        await using var server = await TestServer.StartAsync(Http);
        await using var client = await RawWebSocket.ConnectAsync(server);
        await client.OpenAsync();
        await client.SendAsync("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.NotWellFormed);
    }

    [Fact]
    [Trait("Conformance", "RFC 7395 §3.3.1; RFC 6120 §4.9.3.14")]
    public async Task A_message_over_the_stanza_limit_is_a_policy_violation()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Limits:MaxStanzaBytes", "4096")]);
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawWebSocket.ConnectAsync(server);
        await client.LoginAsync("juliet", "secret");
        await client.SendAsync($"<message xmlns='jabber:client' to='romeo@localhost'><body>{new string('x', 20000)}</body></message>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);
        await AssertStillServingAsync(server);
    }

    [Fact]
    [Trait("Conformance", "RFC 7395 §3.2; RFC 6455 §8.1")]
    public async Task Text_that_is_not_utf8_or_a_binary_message_ends_the_session()
    {
        await using var server = await TestServer.StartAsync(Http);
        await using (var invalid = await RawWebSocket.ConnectAsync(server))
        {
            await invalid.OpenAsync();
            // RFC 6455 §8.1: a text message that is not UTF-8 fails the WebSocket connection (close 1007).
            await invalid.SendAsync([(byte)'<', 0xC3, 0x28, (byte)'/', (byte)'>']);
            Assert.Null(await invalid.NextMessageAsync());
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, invalid.Socket.CloseStatus);
        }

        await using (var binary = await RawWebSocket.ConnectAsync(server))
        {
            await binary.OpenAsync();
            await binary.SendAsync(Encoding.UTF8.GetBytes("<presence xmlns='jabber:client'/>"), WebSocketMessageType.Binary);
            await binary.ExpectStreamErrorAsync(StreamErrorCondition.UnsupportedEncoding);
        }

        await AssertStillServingAsync(server);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.4")]
    public async Task A_websocket_that_never_negotiates_times_out_as_on_tcp()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Limits:NegotiationTimeoutSeconds", "1")]);
        await using var client = await RawWebSocket.ConnectAsync(server);
        await client.OpenAsync();
        await client.ExpectStreamErrorAsync(StreamErrorCondition.ConnectionTimeout);
    }

    [Fact]
    public async Task The_http_server_is_off_unless_a_port_is_set()
    {
        await using var server = await TestServer.StartAsync();
        Assert.DoesNotContain(server.Services.GetRequiredService<Parley.Server.Hosting.ListenerEndpoints>().Endpoints, e => e.Kind is "http" or "https");
    }

    private static async Task AssertStillServingAsync(TestServer server)
    {
        await using var other = await RawWebSocket.ConnectAsync(server);
        var features = await other.OpenAsync();
        Assert.NotNull(features.Child("mechanisms", Namespaces.Sasl));
    }
}
