using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Federation;

/// <summary>Two Parley servers federating over loopback: stanzas, subscriptions and presence cross (RFC 6120 §10.4, RFC 6121).</summary>
public sealed class FederationTests
{
    [Fact]
    public async Task Messages_cross_both_ways_over_dialback()
    {
        await using var servers = await FederatedServers.StartAsync();
        await using var alice = await ImClient.LoginAsync(servers.A, "alice", "phone");
        await using var bob = await ImClient.LoginAsync(servers.B, "bob", "laptop");
        await alice.SendAsync("<presence/>");
        await bob.SendAsync("<presence/>");
        await alice.PresenceAsync(alice.Jid);
        await bob.PresenceAsync(bob.Jid);

        await alice.SendAsync("<message to='bob@b.example' type='chat' id='m1'><body>Hello from a</body></message>");
        var atBob = await bob.WaitForAsync(e => e.Name == "message", "alice's message");
        Assert.Equal("alice@a.example/phone", atBob.GetAttribute("from"));
        Assert.Equal("bob@b.example", atBob.GetAttribute("to"));
        Assert.Equal("Hello from a", atBob.ChildText("body", Namespaces.Client));

        await bob.SendAsync("<message to='alice@a.example/phone' type='chat' id='m2'><body>Hello from b</body></message>");
        var atAlice = await alice.WaitForAsync(e => e.Name == "message", "bob's message");
        Assert.Equal("bob@b.example/laptop", atAlice.GetAttribute("from"));
        Assert.Equal("Hello from b", atAlice.ChildText("body", Namespaces.Client));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3.1 §4.2 §4.3")]
    public async Task Subscriptions_and_presence_cross_both_ways()
    {
        await using var servers = await FederatedServers.StartAsync();
        await using var alice = await SubscriptionTests.OnlineAsync(servers.A, "alice", "phone");
        await using var bob = await SubscriptionTests.OnlineAsync(servers.B, "bob", "laptop");

        // alice asks; bob's server records the pending request and shows it to bob (RFC 6121 §3.1.3).
        await alice.SendAsync("<presence to='bob@b.example' type='subscribe'/>");
        Assert.Equal("subscribe", (await alice.PushAsync("bob@b.example")).GetAttribute("ask"));
        var request = await bob.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("type") == "subscribe", "alice's request");
        Assert.Equal("alice@a.example", request.GetAttribute("from"));

        // bob approves: alice learns it, her roster says "to", and bob's presence follows (§3.1.5).
        await bob.SendAsync("<presence to='alice@a.example' type='subscribed'/>");
        Assert.Equal("from", (await bob.PushAsync("alice@a.example")).GetAttribute("subscription"));
        await alice.PresenceAsync("bob@b.example", "subscribed");
        Assert.Equal("to", (await alice.PushAsync("bob@b.example")).GetAttribute("subscription"));
        await alice.PresenceAsync("bob@b.example/laptop");

        // The other way round: both now have "both", and bob sees alice's presence.
        await bob.SendAsync("<presence to='alice@a.example' type='subscribe'/>");
        await bob.PushAsync("alice@a.example");
        await alice.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("type") == "subscribe" && e.GetAttribute("from") == "bob@b.example", "bob's request");
        await alice.SendAsync("<presence to='bob@b.example' type='subscribed'/>");
        Assert.Equal("both", (await alice.PushAsync("bob@b.example")).GetAttribute("subscription"));
        Assert.Equal("both", (await bob.PushAsync("alice@a.example")).GetAttribute("subscription"));
        await bob.PresenceAsync("alice@a.example/phone");

        // Broadcasts reach the remote contact (RFC 6121 §4.4.2, §4.5.2).
        await alice.SendAsync("<presence><show>away</show></presence>");
        var away = await bob.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("from") == "alice@a.example/phone" && e.ChildText("show", Namespaces.Client) == "away", "alice away");
        Assert.Equal("bob@b.example", away.GetAttribute("to"));
        await alice.SendAsync("<presence type='unavailable'/>");
        await bob.PresenceAsync("alice@a.example/phone", "unavailable");

        // A new resource of bob probes alice's server, which answers for her available resource (§4.3).
        await alice.SendAsync("<presence/>");
        await bob.PresenceAsync("alice@a.example/phone");
        await using var tablet = await ImClient.LoginAsync(servers.B, "bob", "tablet");
        await tablet.SendAsync("<presence/>");
        await tablet.PresenceAsync("alice@a.example/phone");

        // Removing the contact cancels both subscriptions on the other server too (RFC 6121 §2.5.2).
        await alice.SetItemAsync("<item jid='bob@b.example' subscription='remove'/>");
        await alice.PushAsync("bob@b.example");
        var none = await bob.PushAsync("alice@a.example");
        while (none.GetAttribute("subscription") != "none")
        {
            none = await bob.PushAsync("alice@a.example");
        }

        // Both directions authenticated by dialback over TLS with self-signed certificates.
        Assert.Contains(servers.A.Logs.Entries, e => e.Message.Contains("a.example → b.example authenticated by dialback", StringComparison.Ordinal));
        Assert.Contains(servers.B.Logs.Entries, e => e.Message.Contains("b.example → a.example authenticated by dialback", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §10.4.3")]
    public async Task A_domain_that_cannot_be_reached_bounces_with_remote_server_not_found()
    {
        await using var server = await TestServer.StartAsync(("Domains:0", FederatedServers.DomainA), ("S2s:Routes:c.example", $"127.0.0.1:{ClosedPort()}"));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        await alice.SendAsync("<message to='carol@c.example' type='chat' id='lost'><body>anyone?</body></message>");
        var bounce = await alice.WaitForAsync(e => e.Name == "message" && e.GetAttribute("id") == "lost", "the bounce");
        Assert.Equal("error", bounce.GetAttribute("type"));
        Assert.Equal("carol@c.example", bounce.GetAttribute("from"));
        Assert.Equal("remote-server-not-found", ImClient.Condition(bounce));

        // Presence too (issue 12 item 3): a directed presence and a MUC join (XEP-0045 §7.2) get
        // remote-server-not-found, so the client fails at once instead of waiting; the RFC 6121 §8.5.1
        // silence is for unknown local accounts, not unreachable domains.
        await alice.SendAsync("<presence to='carol@c.example' id='directed'/>");
        AssertRemoteServerNotFound(await alice.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("id") == "directed", "the presence bounce"), "carol@c.example");
        await alice.SendAsync("<presence to='room@conference.c.example/alice' id='join'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        AssertRemoteServerNotFound(await alice.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("id") == "join", "the join bounce"), "room@conference.c.example/alice");

        // Errors are never answered (RFC 6120 §8.3.1).
        await alice.SendAsync("<message to='carol@c.example' type='error' id='err'/>");
        await alice.SendAsync("<presence to='carol@c.example' type='error' id='perr'/>");
        await alice.QuietAsync(e => e.GetAttribute("type") == "error");
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §10.4.3")]
    public async Task Without_federation_a_muc_join_to_another_domain_gets_remote_server_not_found_at_once()
    {
        await using var server = await TestServer.StartAsync(("S2s:Port", "0"));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        await alice.SendAsync("<presence to='room@rooms.elsewhere.example/alice' id='join'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        AssertRemoteServerNotFound(await alice.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("id") == "join", "the join bounce"), "room@rooms.elsewhere.example/alice");

        // An unavailable presence is answered the same way; an error is not.
        await alice.SendAsync("<presence to='room@rooms.elsewhere.example/alice' type='unavailable' id='leave'/>");
        AssertRemoteServerNotFound(await alice.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("id") == "leave", "the leave bounce"), "room@rooms.elsewhere.example/alice");
        await alice.SendAsync("<presence to='room@rooms.elsewhere.example/alice' type='error' id='perr'/>");
        await alice.QuietAsync(e => e.GetAttribute("type") == "error");
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §10.3 §10.4")]
    public async Task A_subdomain_is_local_only_when_hosted_and_otherwise_a_remote_domain()
    {
        var hosted = "chat." + FederatedServers.DomainA;
        var other = "muc." + FederatedServers.DomainA;
        await using var server = await TestServer.StartAsync(
            ("Domains:0", FederatedServers.DomainA), ("Domains:1", hosted), ($"S2s:Routes:{other}", $"127.0.0.1:{ClosedPort()}"));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        // A hosted subdomain is served here: no such user, so service-unavailable (RFC 6121 §8.5.2.2.1 via §8.5.1).
        await alice.SendAsync($"<message to='nobody@{hosted}' type='chat' id='local'><body>hi</body></message>");
        var local = await alice.WaitForAsync(e => e.Name == "message" && e.GetAttribute("id") == "local", "the local answer");
        Assert.Equal("service-unavailable", ImClient.Condition(local));

        // Any other subdomain is a remote domain like any other: routed out, here to a closed port.
        await alice.SendAsync($"<message to='room@{other}' type='chat' id='remote'><body>hi</body></message>");
        var remote = await alice.WaitForAsync(e => e.Name == "message" && e.GetAttribute("id") == "remote", "the bounce");
        Assert.Equal("remote-server-not-found", ImClient.Condition(remote));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §10.4.3")]
    public async Task A_server_that_never_negotiates_bounces_the_queue_with_remote_server_timeout_and_the_queue_is_bounded()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var server = await TestServer.StartAsync(
            ("Domains:0", FederatedServers.DomainA),
            ("S2s:Routes:c.example", $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}"),
            ("S2s:MaxQueuedStanzas", "2"),
            ("Limits:NegotiationTimeoutSeconds", "1"));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        for (var i = 1; i <= 3; i++)
        {
            await alice.SendAsync($"<message to='carol@c.example' type='chat' id='m{i}'><body>{i}</body></message>");
        }

        // The third does not fit the queue of two: refused at once.
        var full = await alice.WaitForAsync(e => e.GetAttribute("id") == "m3", "the refusal of m3");
        Assert.Equal("resource-constraint", ImClient.Condition(full));

        // The listen backlog accepts the connection but nothing ever answers: after the negotiation timeout the queue bounces.
        foreach (var id in new[] { "m1", "m2" })
        {
            var bounce = await alice.WaitForAsync(e => e.GetAttribute("id") == id, $"the bounce of {id}");
            Assert.Equal("remote-server-timeout", ImClient.Condition(bounce));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.4")]
    public async Task Idle_streams_are_closed_and_reopened_on_demand()
    {
        await using var servers = await FederatedServers.StartAsync(("S2s:IdleTimeoutSeconds", "1"));
        await using var alice = await SubscriptionTests.OnlineAsync(servers.A, "alice", "phone");
        await using var bob = await SubscriptionTests.OnlineAsync(servers.B, "bob", "laptop");

        await alice.SendAsync("<message to='bob@b.example' type='chat' id='first'><body>1</body></message>");
        await bob.WaitForAsync(e => e.GetAttribute("id") == "first", "the first message");
        await servers.A.Logs.WaitForAsync("Outbound stream a.example → b.example closed");

        await alice.SendAsync("<message to='bob@b.example' type='chat' id='second'><body>2</body></message>");
        await bob.WaitForAsync(e => e.GetAttribute("id") == "second", "the second message over a new stream");
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void AssertRemoteServerNotFound(Element bounce, string from)
    {
        Assert.Equal("error", bounce.GetAttribute("type"));
        Assert.Equal(from, bounce.GetAttribute("from"));
        Assert.Equal("remote-server-not-found", ImClient.Condition(bounce));
    }
}
