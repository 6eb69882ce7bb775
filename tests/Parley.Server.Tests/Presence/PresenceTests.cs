using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;

namespace Parley.Server.Tests.Presence;

/// <summary>RFC 6121 §4 between local accounts over real sockets.</summary>
public sealed class PresenceTests
{
    private static async Task<TestServer> ServerAsync()
    {
        var server = await TestServer.StartAsync();
        foreach (var user in new[] { "juliet", "romeo", "mallory" })
        {
            await server.CreateAccountAsync(user, "secret");
        }

        return server;
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §4.2 §4.3 §4.4 §4.5")]
    public async Task Subscribed_contacts_get_probe_answers_broadcasts_and_unavailable_on_dropped_tcp()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using (var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden"))
        {
            await SubscriptionTests.MakeBothAsync(juliet, romeo);
        }

        await juliet.PresenceAsync("romeo@localhost/garden", "unavailable");

        // RFC 6121 §4.2.2 / §4.3.2: Romeo's initial presence probes Juliet, answered with her
        // last presence; §4.2.2 also broadcasts his to her, with show, status and xml:lang as sent.
        await juliet.SendAsync("<presence><show>dnd</show><status xml:lang='en'>Reading</status><status xml:lang='fr'>Je lis</status><priority>3</priority></presence>");
        await juliet.PresenceAsync(juliet.Jid);
        await using var phone = await ImClient.LoginAsync(server, "romeo", "phone");
        await phone.SendAsync("<presence><status>Here</status></presence>");
        var answer = await phone.PresenceAsync("juliet@localhost/balcony");
        Assert.Equal("dnd", answer.ChildText("show", Namespaces.Client));
        Assert.Equal(["en", "fr"], answer.Children("status", Namespaces.Client).Select(s => s.Lang));
        Assert.Equal("Je lis", answer.Children("status", Namespaces.Client).Single(s => s.Lang == "fr").Text);
        Assert.Equal("Here", (await juliet.PresenceAsync("romeo@localhost/phone")).ChildText("status", Namespaces.Client));

        // RFC 6121 §4.4.2: later changes are broadcast too.
        await phone.SendAsync("<presence><show>away</show></presence>");
        Assert.Equal("away", (await juliet.PresenceAsync("romeo@localhost/phone")).ChildText("show", Namespaces.Client));

        // RFC 6121 §4.5.4: the TCP connection vanishes without </stream:stream>.
        phone.Raw.Tls!.Close();
        await juliet.PresenceAsync("romeo@localhost/phone", "unavailable");
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §4.3.2")]
    public async Task Probe_of_an_offline_contact_is_answered_with_unavailable()
    {
        await using var server = await ServerAsync();
        await using (var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony"))
        await using (var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden"))
        {
            await SubscriptionTests.MakeBothAsync(juliet, romeo);
        }

        await using var again = await ImClient.LoginAsync(server, "romeo", "garden");
        await again.SendAsync("<presence/>");
        await again.PresenceAsync("juliet@localhost", "unavailable");
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §4.4.2")]
    public async Task Presence_does_not_reach_accounts_without_a_subscription()
    {
        await using var server = await ServerAsync();
        await using var mallory = await SubscriptionTests.OnlineAsync(server, "mallory", "shadow");
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await juliet.SendAsync("<presence><show>chat</show></presence>");
        await juliet.PresenceAsync(juliet.Jid);

        // A probe from someone Juliet has not approved is not answered either (§4.3.2).
        await mallory.SendAsync("<presence to='juliet@localhost' type='probe'/>");
        await mallory.QuietAsync(e => e.Name == "presence" && e.GetAttribute("from")!.StartsWith("juliet@", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §4.6")]
    public async Task Directed_presence_reaches_its_addressee_only_and_is_followed_by_unavailable()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var mallory = await SubscriptionTests.OnlineAsync(server, "mallory", "shadow");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");

        await juliet.SendAsync("<presence to='mallory@localhost/shadow'><status>Only you</status></presence>");
        Assert.Equal("Only you", (await mallory.PresenceAsync("juliet@localhost/balcony")).ChildText("status", Namespaces.Client));
        await romeo.QuietAsync(e => e.Name == "presence" && e.GetAttribute("from") == "juliet@localhost/balcony");

        // RFC 6121 §4.6.3: going offline reaches whoever received directed available presence.
        await juliet.SendAsync("<presence type='unavailable'/>");
        await mallory.PresenceAsync("juliet@localhost/balcony", "unavailable");
        await romeo.QuietAsync(e => e.Name == "presence" && e.GetAttribute("from") == "juliet@localhost/balcony");
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §4.6.3")]
    public async Task A_subscribed_contact_that_also_got_directed_presence_is_told_unavailable_once()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);

        await juliet.SendAsync("<presence to='romeo@localhost/garden'><status>Directed</status></presence>");
        await romeo.WaitForAsync(e => e.ChildText("status", Namespaces.Client) == "Directed", "the directed presence");
        await juliet.SendAsync("<presence type='unavailable'/>");
        await romeo.PresenceAsync("juliet@localhost/balcony", "unavailable");
        await romeo.QuietAsync(e => e.GetAttribute("type") == "unavailable" && e.GetAttribute("from") == "juliet@localhost/balcony");
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §4.6.3")]
    public async Task Directed_presence_recipient_learns_of_a_closed_stream()
    {
        await using var server = await ServerAsync();
        await using var mallory = await SubscriptionTests.OnlineAsync(server, "mallory", "shadow");
        var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await juliet.SendAsync("<presence to='mallory@localhost'/>");
        await mallory.PresenceAsync("juliet@localhost/balcony");
        await juliet.SendAsync("</stream:stream>");
        await juliet.DisposeAsync();
        await mallory.PresenceAsync("juliet@localhost/balcony", "unavailable");
    }
}
