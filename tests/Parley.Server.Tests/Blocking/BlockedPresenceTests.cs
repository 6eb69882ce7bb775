using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Blocking;

/// <summary>XEP-0191 against the presence the server sends itself (broadcasts, probe answers), over real sockets.</summary>
public sealed class BlockedPresenceTests
{
    /// <summary>Juliet and Romeo online with a mutual subscription; Juliet then blocks Romeo.</summary>
    private static async Task<(TestServer Server, ImClient Juliet, ImClient Romeo)> MutualThenBlockedAsync()
    {
        var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);
        await juliet.PresenceAsync("romeo@localhost/garden");
        await romeo.PresenceAsync("juliet@localhost/balcony");

        Assert.Equal("result", (await juliet.IqAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='romeo@localhost'/></block>")).GetAttribute("type"));
        await romeo.PresenceAsync("juliet@localhost/balcony", "unavailable");
        return (server, juliet, romeo);
    }

    /// <summary>Availability presence (not subscription stanzas) from any address of the account.</summary>
    private static bool PresenceFrom(Element e, string bare) =>
        e.Name == "presence" && e.GetAttribute("type") is null or "unavailable" && e.GetAttribute("from") is { } from && (from == bare || from.StartsWith(bare + "/", StringComparison.Ordinal));

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3")]
    public async Task A_blocked_contact_gets_no_presence_broadcast_or_probe_answer_either_way()
    {
        var (server, juliet, romeo) = await MutualThenBlockedAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            // Broadcasts: the subscription is "both", but the block holds in each direction.
            await juliet.SendAsync("<presence><show>away</show></presence>");
            await juliet.PresenceAsync(juliet.Jid);
            await romeo.SendAsync("<presence><show>chat</show></presence>");
            await romeo.PresenceAsync(romeo.Jid);
            await romeo.QuietAsync(e => PresenceFrom(e, "juliet@localhost"));
            await juliet.QuietAsync(e => PresenceFrom(e, "romeo@localhost"));

            // Probe answers (RFC 6121 §4.3.2): a new resource of either account learns nothing of the other.
            await using var phone = await ImClient.LoginAsync(server, "romeo", "phone");
            await phone.SendAsync("<presence/>");
            await phone.PresenceAsync(phone.Jid);
            await phone.QuietAsync(e => PresenceFrom(e, "juliet@localhost"));

            await using var tower = await ImClient.LoginAsync(server, "juliet", "tower");
            await tower.SendAsync("<presence/>");
            await tower.PresenceAsync(tower.Jid);
            await tower.QuietAsync(e => PresenceFrom(e, "romeo@localhost"));
            await romeo.QuietAsync(e => PresenceFrom(e, "juliet@localhost"));
            await phone.QuietAsync(e => PresenceFrom(e, "juliet@localhost"));
            await juliet.QuietAsync(e => PresenceFrom(e, "romeo@localhost"));

            // A probe the blocked contact asks for itself gets nothing either.
            await phone.SendAsync("<presence type='probe' to='juliet@localhost'/>");
            await phone.QuietAsync(e => PresenceFrom(e, "juliet@localhost"));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.4")]
    public async Task Unblocking_a_subscribed_contact_exchanges_current_presence_again()
    {
        var (server, juliet, romeo) = await MutualThenBlockedAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<presence><show>away</show></presence>");
            await juliet.PresenceAsync(juliet.Jid);
            await romeo.QuietAsync(e => PresenceFrom(e, "juliet@localhost"));

            Assert.Equal("result", (await juliet.IqAsync("set", "<unblock xmlns='urn:xmpp:blocking'><item jid='romeo@localhost'/></unblock>")).GetAttribute("type"));

            // XEP-0191 §3.4: Romeo (subscribed "from" Juliet) gets her current presence; she gets his.
            Assert.Equal("away", (await romeo.PresenceAsync("juliet@localhost/balcony")).ChildText("show", Namespaces.Client));
            await juliet.PresenceAsync("romeo@localhost/garden");

            // Broadcasts flow again both ways.
            await romeo.SendAsync("<presence><show>chat</show></presence>");
            Assert.Equal("chat", (await juliet.PresenceAsync("romeo@localhost/garden")).ChildText("show", Namespaces.Client));
            await juliet.SendAsync("<presence/>");
            await romeo.PresenceAsync("juliet@localhost/balcony");
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.4 §3.5")]
    public async Task Unblocking_everyone_sends_presence_only_to_subscribed_contacts()
    {
        var (server, juliet, romeo) = await MutualThenBlockedAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await server.CreateAccountAsync("iago", "secret");
            await using var iago = await SubscriptionTests.OnlineAsync(server, "iago", "stage");
            Assert.Equal("result", (await juliet.IqAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='iago@localhost'/></block>")).GetAttribute("type"));
            await iago.PresenceAsync("juliet@localhost/balcony", "unavailable");

            Assert.Equal("result", (await juliet.IqAsync("set", "<unblock xmlns='urn:xmpp:blocking'/>")).GetAttribute("type"));
            await romeo.PresenceAsync("juliet@localhost/balcony");
            await juliet.PresenceAsync("romeo@localhost/garden");

            // Iago has no subscription: unblocking him sends him nothing.
            await iago.QuietAsync(e => PresenceFrom(e, "juliet@localhost"));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3 RFC 6121 §3.1.3")]
    public async Task A_pending_request_from_a_blocked_contact_is_not_redelivered_until_unblocked()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribe'/>");
        await juliet.PresenceAsync("romeo@localhost", "subscribe");
        Assert.Equal("result", (await juliet.IqAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='romeo@localhost'/></block>")).GetAttribute("type"));

        await using (var tower = await SubscriptionTests.OnlineAsync(server, "juliet", "tower"))
        {
            await tower.QuietAsync(e => e.Name == "presence" && e.GetAttribute("type") == "subscribe");
        }

        // Still pending: once unblocked, the next resource to come online is asked again.
        Assert.Equal("result", (await juliet.IqAsync("set", "<unblock xmlns='urn:xmpp:blocking'/>")).GetAttribute("type"));
        await using var chamber = await SubscriptionTests.OnlineAsync(server, "juliet", "chamber");
        await chamber.PresenceAsync("romeo@localhost", "subscribe");
    }
}
