using Parley.Server.Tests.Roster;
using Parley.Xmpp;

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
}
