using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;

namespace Parley.Server.Tests.Roster;

/// <summary>RFC 6121 §3 between two local accounts over real sockets.</summary>
public sealed class SubscriptionTests
{
    private static async Task<TestServer> ServerAsync()
    {
        var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return server;
    }

    /// <summary>Logs in, asks for the roster (becoming interested) and sends initial presence.</summary>
    internal static async Task<ImClient> OnlineAsync(TestServer server, string user, string resource)
    {
        var client = await ImClient.LoginAsync(server, user, resource);
        await client.RosterAsync();
        await client.SendAsync("<presence/>");
        await client.PresenceAsync(client.Jid);
        return client;
    }

    /// <summary>Both accounts subscribe to each other through the protocol; returns after both pushes say "both".</summary>
    internal static async Task MakeBothAsync(ImClient a, ImClient b)
    {
        await a.SendAsync($"<presence to='{b.Bare}' type='subscribe'/>");
        await b.PresenceAsync(a.Bare, "subscribe");
        await b.SendAsync($"<presence to='{a.Bare}' type='subscribed'/>");
        await b.SendAsync($"<presence to='{a.Bare}' type='subscribe'/>");
        await a.PresenceAsync(b.Bare, "subscribe");
        await a.SendAsync($"<presence to='{b.Bare}' type='subscribed'/>");
        await a.WaitForAsync(e => ImClient.Item(e)?.GetAttribute("subscription") == "both", "subscription both");
        await b.WaitForAsync(e => ImClient.Item(e)?.GetAttribute("subscription") == "both", "subscription both");
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3.1")]
    public async Task Request_and_approval_update_both_rosters_and_share_presence()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");

        await romeo.SendAsync("<presence to='juliet@localhost/balcony' type='subscribe'><status>It is my lady</status></presence>");
        var asking = await romeo.PushAsync("juliet@localhost");
        Assert.Equal("none", asking.GetAttribute("subscription"));
        Assert.Equal("subscribe", asking.GetAttribute("ask"));

        // RFC 6121 §3.1.3: delivered from the bare JID, status kept; no roster item for a request alone.
        var request = await juliet.PresenceAsync("romeo@localhost", "subscribe");
        Assert.Equal("It is my lady", request.ChildText("status", Namespaces.Client));
        await juliet.QuietAsync(e => e.Name == "iq" && e.GetAttribute("type") == "set");

        await juliet.SendAsync("<presence to='romeo@localhost' type='subscribed'/>");
        Assert.Equal("from", (await juliet.PushAsync("romeo@localhost")).GetAttribute("subscription"));
        var approved = await romeo.PushAsync("juliet@localhost");
        Assert.Equal("to", approved.GetAttribute("subscription"));
        Assert.Null(approved.GetAttribute("ask"));
        await romeo.PresenceAsync("juliet@localhost", "subscribed");

        // RFC 6121 §3.1.6 and §3.1.5: the push, then the subscribed, and only then the presence.
        Assert.False(
            romeo.ArrivedEarlier(e => e.Name == "presence" && e.GetAttribute("from") == "juliet@localhost/balcony"),
            "Juliet's presence arrived before the roster push and <subscribed/>");

        // RFC 6121 §3.1.5: the new subscriber receives the contact's current presence.
        await romeo.PresenceAsync("juliet@localhost/balcony");

        // Only "to": Romeo's presence does not reach Juliet.
        await romeo.SendAsync("<presence><show>away</show></presence>");
        await romeo.PresenceAsync("romeo@localhost/garden");
        await juliet.QuietAsync(e => e.Name == "presence" && e.GetAttribute("from") == "romeo@localhost/garden");

        // RFC 6121 §3.1.3: already subscribed, a repeated request is answered by the server, not
        // shown to Juliet; the answer changes nothing for Romeo, so it is not delivered (A.3.3).
        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribe'/>");
        await juliet.QuietAsync(e => e.GetAttribute("type") == "subscribe");
        await romeo.QuietAsync(e => e.GetAttribute("type") is "set" or "subscribed");
        Assert.Null(ImClient.Item(await romeo.RosterAsync())!.GetAttribute("ask"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3.1.3 §3.2")]
    public async Task Pending_request_is_resent_at_each_login_until_denied()
    {
        await using var server = await ServerAsync();
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribe'><status>Hello</status></presence>");
        await romeo.PushAsync("juliet@localhost");

        for (var login = 0; login < 2; login++)
        {
            await using var juliet = await OnlineAsync(server, "juliet", "balcony" + login);
            var request = await juliet.PresenceAsync("romeo@localhost", "subscribe");
            Assert.Equal("Hello", request.ChildText("status", Namespaces.Client));
        }

        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        {
            await juliet.PresenceAsync("romeo@localhost", "subscribe");
            await juliet.SendAsync("<presence to='romeo@localhost' type='unsubscribed'/>");
            var denied = await romeo.PushAsync("juliet@localhost");
            Assert.Equal("none", denied.GetAttribute("subscription"));
            Assert.Null(denied.GetAttribute("ask"));
            await romeo.PresenceAsync("juliet@localhost", "unsubscribed");
        }

        await using var again = await OnlineAsync(server, "juliet", "chamber");
        await again.QuietAsync(e => e.GetAttribute("type") == "subscribe");
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3.1.3")]
    public async Task A_request_kept_for_an_offline_contact_keeps_its_extensions()
    {
        // RFC 6121 §3.1.3: the complete stanza is kept; XEP-0172 nick and XEP-0379 pre-auth token included.
        await using var server = await ServerAsync();
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribe' id='s1'><status>Hello</status><nick xmlns='http://jabber.org/protocol/nick'>Romeo</nick><preauth xmlns='urn:xmpp:pars:0' token='t0k3n'/></presence>");
        await romeo.PushAsync("juliet@localhost");

        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        var request = await juliet.PresenceAsync("romeo@localhost", "subscribe");
        Assert.Equal("Hello", request.ChildText("status", Namespaces.Client));
        Assert.Equal("Romeo", request.ChildText("nick", "http://jabber.org/protocol/nick"));
        Assert.Equal("t0k3n", request.Child("preauth", "urn:xmpp:pars:0")?.GetAttribute("token"));
        Assert.Equal("juliet@localhost", request.GetAttribute("to"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3.4")]
    public async Task Pre_approved_request_is_approved_by_the_server()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");

        await juliet.SendAsync("<presence to='romeo@localhost' type='subscribed'/>");
        var preApproved = await juliet.PushAsync("romeo@localhost");
        Assert.Equal("true", preApproved.GetAttribute("approved"));
        Assert.Equal("none", preApproved.GetAttribute("subscription"));
        await romeo.QuietAsync(e => e.Name == "presence" && e.GetAttribute("type") == "subscribed");

        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribe'/>");
        await romeo.PresenceAsync("juliet@localhost", "subscribed");
        Assert.Equal("from", (await juliet.PushAsync("romeo@localhost")).GetAttribute("subscription"));
        await romeo.PresenceAsync("juliet@localhost/balcony");
        await juliet.QuietAsync(e => e.GetAttribute("type") == "subscribe");
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §2.5.2 §3.2 §3.3")]
    public async Task Removing_a_mutual_contact_cancels_both_subscriptions()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await MakeBothAsync(juliet, romeo);

        Assert.Equal("result", (await romeo.SetItemAsync("<item jid='juliet@localhost' subscription='remove'/>")).GetAttribute("type"));
        await romeo.WaitForAsync(e => ImClient.Item(e)?.GetAttribute("subscription") == "remove", "the removal push");
        await juliet.PresenceAsync("romeo@localhost", "unsubscribe");
        await juliet.PresenceAsync("romeo@localhost", "unsubscribed");

        // RFC 6121 §3.2.2: losing "from", Romeo's resources are gone for Juliet.
        await juliet.PresenceAsync("romeo@localhost/garden", "unavailable");
        await juliet.WaitForAsync(e => ImClient.Item(e)?.GetAttribute("subscription") == "none", "subscription none");
        var item = (await juliet.RosterAsync()).Child("query", ImClient.RosterNamespace)!.Child("item", ImClient.RosterNamespace)!;
        Assert.Equal("none", item.GetAttribute("subscription"));
    }
}
