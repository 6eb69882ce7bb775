using System.Globalization;
using System.Text.Json;
using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests;

/// <summary>
/// @xmpp/client (xmpp.js, Node) against the real server: xmpp:// with STARTTLS, SCRAM-SHA-1,
/// resource binding, a chat message, and the closing handshake; and the IM scenario of RFC 6121
/// (roster, mutual subscription, presence) with an offline message (XEP-0160, XEP-0203).
/// </summary>
[Collection(ParleyServerCollection.Name)]
public sealed class XmppJsInteropTests(ParleyServer server)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);
    private static readonly string Script = Path.Combine(RepositoryPaths.InteropScripts, "xmpp_chat.mjs");

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.4 §5 §6 §7")]
    public async Task Two_xmppjs_clients_log_in_with_scram_and_exchange_a_message()
    {
        var alice = await server.CreateAccountAsync("jsalice");
        var bob = await server.CreateAccountAsync("jsbob");
        const string body = "hello from xmpp.js <&> ünïcödé";

        await using var script = Start("pair", alice.Name, alice.Password, bob.Name, bob.Password, body);
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        foreach (var client in new[] { "sender", "receiver" })
        {
            var auth = run.Single(client, "auth");
            Assert.Equal("SCRAM-SHA-1", auth.GetProperty("mechanism").GetString());
            Assert.True(auth.GetProperty("tls").GetBoolean(), "authenticated only after STARTTLS");
            Assert.True(run.Single(client, "closed").GetProperty("clean").GetBoolean(), "the server answered </stream:stream>");
        }

        var received = run.Single("receiver", "message");
        Assert.Equal(body, received.GetProperty("body").GetString());
        Assert.StartsWith(alice.Jid + "/", received.GetProperty("frm").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Conformance", "RFC 7395 §3")]
    public async Task Two_xmppjs_clients_over_websocket_log_in_with_scram_and_exchange_a_message()
    {
        var alice = await server.CreateAccountAsync("wsalice");
        var bob = await server.CreateAccountAsync("wsbob");
        const string body = "hello over WebSocket <&> ünïcödé";

        await using var script = Start("pair", WebSocket, alice.Name, alice.Password, bob.Name, bob.Password, body);
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        foreach (var client in new[] { "sender", "receiver" })
        {
            Assert.Equal("SCRAM-SHA-1", run.Single(client, "auth").GetProperty("mechanism").GetString());
            Assert.True(run.Single(client, "closed").GetProperty("clean").GetBoolean(), "the server answered <close/>");
        }

        var received = run.Single("receiver", "message");
        Assert.Equal(body, received.GetProperty("body").GetString());
        Assert.StartsWith(alice.Jid + "/", received.GetProperty("frm").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Conformance", "RFC 7395 §3; RFC 6121 §3 §4")]
    public async Task Two_xmppjs_clients_over_websocket_subscribe_chat_and_get_an_offline_message()
    {
        var alice = await server.CreateAccountAsync("wsromeo");
        var bob = await server.CreateAccountAsync("wsjuliet");
        var later = "stored for you " + Guid.NewGuid().ToString("N");

        await using var script = Start("im", WebSocket, alice.Name, alice.Password, bob.Name, bob.Password, "hi", "hello", later);
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        Assert.Equal("both", run.Single("alice", "subscription").GetProperty("subscription").GetString());
        Assert.Equal("hi", run.Single("bob", "message").GetProperty("body").GetString());
        Assert.Equal("hello", run.Single("alice", "message").GetProperty("body").GetString());
        Assert.Equal(later, run.Single("bob_again", "message").GetProperty("body").GetString());
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.5.3.2.1")]
    public async Task Xmppjs_and_a_Parley_client_exchange_messages_both_ways()
    {
        var parleyAccount = await server.CreateAccountAsync("jspeer");
        var jsAccount = await server.CreateAccountAsync("jsecho");
        await using var parley = new XmppClient(server.ClientOptions(parleyAccount));
        var parleyJid = await parley.ConnectAsync();
        var body = "ping " + Guid.NewGuid().ToString("N");

        await using var script = Start("echo", jsAccount.Name, jsAccount.Password, parleyJid.ToString(), body);

        var message = await ChatMessages.NextFromAsync(parley, script);
        Assert.Equal(body, ChatMessages.Body(message));
        var from = Jid.Parse(message.GetAttribute("from")!);
        Assert.Equal(jsAccount.Jid, from.Bare);
        await parley.SendAsync(ChatMessages.Create(from, "pong"));

        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);
        run.AssertSucceeded();
        Assert.Equal("pong", run.Single("xmppjs", "message").GetProperty("body").GetString());
        await parley.CloseAsync();
        await parley.Completion;
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3 §4 §8.5; XEP-0160; XEP-0203")]
    public async Task Two_xmppjs_clients_subscribe_chat_and_get_a_message_sent_while_offline()
    {
        var alice = await server.CreateAccountAsync("jsromeo");
        var bob = await server.CreateAccountAsync("jsjuliet");
        const string hello = "wherefore art thou <&>";
        const string reply = "deny thy father ünïcödé";
        var later = "while you were out " + Guid.NewGuid().ToString("N");
        // XEP-0203 stamps have whole seconds at worst; the script sends 'later' after it started.
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await using var script = Start("im", alice.Name, alice.Password, bob.Name, bob.Password, hello, reply, later);
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        foreach (var (client, peer) in new[] { ("alice", bob), ("bob", alice) })
        {
            var auth = run.Single(client, "auth");
            Assert.Equal("SCRAM-SHA-1", auth.GetProperty("mechanism").GetString());
            Assert.True(auth.GetProperty("tls").GetBoolean(), "authenticated only after STARTTLS");
            // RFC 6121 §3.1.2: the request reaches the contact from the user's bare JID.
            var request = run.For(client, "presence").Single(p => p.GetProperty("type").GetString() == "subscribe");
            Assert.Equal(peer.Jid.ToString(), request.GetProperty("frm").GetString());
            var subscription = run.Single(client, "subscription");
            Assert.Equal(peer.Jid.ToString(), subscription.GetProperty("contact").GetString());
            Assert.Equal("both", subscription.GetProperty("subscription").GetString());
            Assert.Contains(run.For(client, "presence"), p => p.GetProperty("type").GetString() == "available"
                && p.GetProperty("frm").GetString()!.StartsWith(peer.Jid + "/", StringComparison.Ordinal));
        }

        var bobFullJid = run.Single("bob", "session_start").GetProperty("jid").GetString();
        var aliceFullJid = run.Single("alice", "session_start").GetProperty("jid").GetString();
        var hi = run.Single("bob", "message");
        Assert.Equal(hello, hi.GetProperty("body").GetString());
        Assert.Equal(aliceFullJid, hi.GetProperty("frm").GetString());
        Assert.Equal(JsonValueKind.Null, hi.GetProperty("delay_from").ValueKind);
        var answer = run.Single("alice", "message");
        Assert.Equal(reply, answer.GetProperty("body").GetString());
        Assert.Equal(bobFullJid, answer.GetProperty("frm").GetString());
        Assert.True(run.Single("bob", "closed").GetProperty("clean").GetBoolean(), "the server answered </stream:stream>");
        Assert.Contains(run.For("alice", "presence"), p => p.GetProperty("type").GetString() == "unavailable"
            && p.GetProperty("frm").GetString() == bobFullJid);

        // RFC 6121 §2.2: the roster survives the session; XEP-0160: the stored message comes after initial presence.
        var item = run.Single("bob_again", "roster_item");
        Assert.Equal(alice.Jid.ToString(), item.GetProperty("contact").GetString());
        Assert.Equal("both", item.GetProperty("subscription").GetString());
        var stored = run.Single("bob_again", "message");
        Assert.Equal(later, stored.GetProperty("body").GetString());
        Assert.Equal(aliceFullJid, stored.GetProperty("frm").GetString());
        Assert.Equal(ParleyServer.Domain, stored.GetProperty("delay_from").GetString());
        var stamp = DateTimeOffset.Parse(stored.GetProperty("delay_stamp").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(stamp, before, DateTimeOffset.UtcNow);
        Assert.True(run.Single("bob_again", "closed").GetProperty("clean").GetBoolean(), "the server answered </stream:stream>");
    }

    /// <summary>Marks a run over RFC 7395 WebSocket on the server's loopback HTTP port instead of TCP.</summary>
    private const string WebSocket = "ws";

    private ChildProcess Start(string mode, params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            // Only this child accepts the test server's self-signed certificate.
            ["NODE_TLS_REJECT_UNAUTHORIZED"] = "0",
            ["NODE_NO_WARNINGS"] = "1",
        };
        if (arguments is [WebSocket, .. var rest])
        {
            environment["XMPP_SERVICE"] = $"ws://{ParleyServer.Host}:{server.HttpPort.ToString(CultureInfo.InvariantCulture)}/xmpp-websocket";
            arguments = rest;
        }

        // Node 20's WebSocket (which @xmpp/websocket uses) is behind a flag; later versions accept and ignore it.
        return ChildProcess.Start(
            RepositoryPaths.Node,
            ["--experimental-websocket", Script, mode, ParleyServer.Host, server.C2sPort.ToString(CultureInfo.InvariantCulture), ParleyServer.Domain, .. arguments],
            environment,
            workingDirectory: RepositoryPaths.InteropScripts);
    }
}
