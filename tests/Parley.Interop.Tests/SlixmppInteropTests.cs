using System.Globalization;
using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests;

/// <summary>
/// slixmpp (Debian's python3-slixmpp) against the real server: SCRAM over STARTTLS with the
/// self-signed certificate, resource binding, a chat message, and the closing handshake.
/// </summary>
[Collection(ParleyServerCollection.Name)]
public sealed class SlixmppInteropTests(ParleyServer server)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);
    private static readonly string Script = Path.Combine(RepositoryPaths.InteropScripts, "slixmpp_chat.py");

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.4 §5 §6 §7")]
    public async Task Two_slixmpp_clients_log_in_with_scram_and_exchange_a_message()
    {
        var alice = await server.CreateAccountAsync("slixalice");
        var bob = await server.CreateAccountAsync("slixbob");
        const string body = "hello from slixmpp <&> ünïcödé";

        await using var script = Start("pair", alice.Jid.ToString(), alice.Password, bob.Jid.ToString(), bob.Password, body);
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        foreach (var client in new[] { "sender", "receiver" })
        {
            var auth = run.Single(client, "auth");
            // slixmpp as it ships binds only with tls-unique; on TLS 1.3 it ends on PLAIN (docs/security.md).
            Assert.Equal("PLAIN", auth.GetProperty("mechanism").GetString());
            Assert.True(auth.GetProperty("tls").GetBoolean(), "authenticated only after STARTTLS");
            Assert.True(run.Single(client, "closed").GetProperty("clean").GetBoolean(), "the server answered </stream:stream>");
        }

        var received = run.Single("receiver", "message");
        Assert.Equal(body, received.GetProperty("body").GetString());
        Assert.StartsWith(alice.Jid + "/", received.GetProperty("frm").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.5.3.2.1")]
    public async Task Slixmpp_and_a_Parley_client_exchange_messages_both_ways()
    {
        var parleyAccount = await server.CreateAccountAsync("slixpeer");
        var slixAccount = await server.CreateAccountAsync("slixecho");
        await using var parley = new XmppClient(server.ClientOptions(parleyAccount));
        var parleyJid = await parley.ConnectAsync();
        var body = "ping " + Guid.NewGuid().ToString("N");

        await using var script = Start("echo", slixAccount.Jid.ToString(), slixAccount.Password, parleyJid.ToString(), body);

        var message = await ChatMessages.NextFromAsync(parley, script);
        Assert.Equal(body, ChatMessages.Body(message));
        var from = Jid.Parse(message.GetAttribute("from")!);
        Assert.Equal(slixAccount.Jid, from.Bare);
        await parley.SendAsync(ChatMessages.Create(from, "pong"));

        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);
        run.AssertSucceeded();
        Assert.Equal("pong", run.Single("slixmpp", "message").GetProperty("body").GetString());
        Assert.Equal(from.ToString(), run.Single("slixmpp", "session_start").GetProperty("jid").GetString());
        await parley.CloseAsync();
        await parley.Completion;
    }

    [Fact]
    [Trait("Conformance", "XEP-0160 §3")]
    public async Task Slixmpp_receives_a_message_sent_while_offline_with_a_delay_stamp()
    {
        var parleyAccount = await server.CreateAccountAsync("offsender");
        var slixAccount = await server.CreateAccountAsync("offreader");
        var body = "while you were out " + Guid.NewGuid().ToString("N");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using (var parley = new XmppClient(server.ClientOptions(parleyAccount)))
        {
            await parley.ConnectAsync();
            await parley.SendAsync(ChatMessages.Create(slixAccount.Jid, body));
            // The server reads the message before the closing tag and stores it before moving on,
            // so once the close handshake completes the message is stored.
            await parley.CloseAsync();
            await parley.Completion;
        }

        await using var script = Start("offline", slixAccount.Jid.ToString(), slixAccount.Password);
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        var received = run.Single("slixmpp", "message");
        Assert.Equal(body, received.GetProperty("body").GetString());
        Assert.Equal(parleyAccount.Jid, Jid.Parse(received.GetProperty("frm").GetString()!).Bare);
        Assert.Equal(ParleyServer.Domain, received.GetProperty("delay_from").GetString());
        var stamp = DateTimeOffset.Parse(received.GetProperty("delay_stamp").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(stamp, before, DateTimeOffset.UtcNow);
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §2 §3 §4")]
    public async Task Two_slixmpp_clients_subscribe_to_each_other_and_see_presence()
    {
        var first = await server.CreateAccountAsync("slixmontague");
        var second = await server.CreateAccountAsync("slixcapulet");

        await using var script = Start("subscribe", first.Jid.ToString(), first.Password, second.Jid.ToString(), second.Password);
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        Assert.Equal(first.Jid.ToString(), run.Single("second", "subscribe").GetProperty("frm").GetString());
        Assert.Equal(second.Jid.ToString(), run.Single("first", "subscribe").GetProperty("frm").GetString());
        Assert.Equal("both", run.Single("first", "subscription").GetProperty("subscription").GetString());
        Assert.Equal("both", run.Single("second", "subscription").GetProperty("subscription").GetString());
        Assert.StartsWith(second.Jid + "/", run.For("first", "presence").First().GetProperty("frm").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(first.Jid + "/", run.For("second", "presence").First().GetProperty("frm").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(second.Jid + "/", run.Single("first", "unavailable").GetProperty("frm").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Conformance", "RFC 5802 §6 §7")]
    public async Task Slixmpp_as_it_ships_logs_in_repeatedly_on_TLS_1_3_and_the_next_client_from_its_address_is_not_held()
    {
        var account = await server.CreateAccountAsync("slixrepeat");
        var other = await server.CreateAccountAsync("slixneighbour");
        var heldBefore = HeldOutcomes();

        await using var script = Start("login", account.Jid.ToString(), account.Password, "4");
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        foreach (var login in Enumerable.Range(0, 4).Select(i => run.Single($"login{i}", "auth")))
        {
            // slixmpp 1.8 tries -PLUS with tls-unique (undefined on TLS 1.3) and SCRAM with the 'y' flag
            // (a downgrade when -PLUS was offered) before PLAIN: refusals that checked no password.
            Assert.True(login.GetProperty("refused").GetInt32() > 0, "slixmpp met the channel-binding refusals");
            Assert.Equal("PLAIN", login.GetProperty("mechanism").GetString());
        }

        // Those refusals count as no password guess: no login was held, and another client from the
        // same address logs in at once.
        await using var neighbour = new XmppClient(server.ClientOptions(other));
        await neighbour.ConnectAsync();
        Assert.Equal(heldBefore, HeldOutcomes());
        await neighbour.CloseAsync();
        await neighbour.Completion;
    }

    /// <summary>How many times the server logged holding an authentication outcome (NegotiationLog 250).</summary>
    private int HeldOutcomes() => server.Output.Split('\n').Count(line => line.Contains("authentication outcome held", StringComparison.Ordinal));

    private ChildProcess Start(string mode, params string[] arguments) =>
        ChildProcess.Start(
            RepositoryPaths.Python,
            [Script, mode, ParleyServer.Host, server.C2sPort.ToString(CultureInfo.InvariantCulture), .. arguments],
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
}
