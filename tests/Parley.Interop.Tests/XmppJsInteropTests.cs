using System.Globalization;
using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests;

/// <summary>
/// @xmpp/client (xmpp.js, Node) against the real server: xmpp:// with STARTTLS, SCRAM-SHA-1,
/// resource binding, a chat message, and the closing handshake.
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

    private ChildProcess Start(string mode, params string[] arguments) =>
        ChildProcess.Start(
            RepositoryPaths.Node,
            [Script, mode, ParleyServer.Host, server.C2sPort.ToString(CultureInfo.InvariantCulture), ParleyServer.Domain, .. arguments],
            new Dictionary<string, string>
            {
                // Only this child accepts the test server's self-signed certificate.
                ["NODE_TLS_REJECT_UNAUTHORIZED"] = "0",
                ["NODE_NO_WARNINGS"] = "1",
            },
            workingDirectory: RepositoryPaths.InteropScripts);
}
