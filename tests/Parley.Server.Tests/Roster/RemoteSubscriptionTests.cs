using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;

namespace Parley.Server.Tests.Roster;

/// <summary>
/// RFC 6121 §3.1.2 toward a contact on a domain this server does not host: the user's side of the
/// subscription is recorded and pushed before the stanza leaves (which, until federation, ends in
/// remote-server-not-found, dropped for presence).
/// </summary>
public sealed class RemoteSubscriptionTests
{
    private const string Contact = "romeo@remote.example";

    private static async Task<TestServer> ServerAsync()
    {
        var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        return server;
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3.1.2 §3.3.2")]
    public async Task Subscribing_to_a_remote_contact_updates_and_pushes_the_roster()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");

        // Addressed to a full JID: the subscription is with the bare JID (RFC 6121 §3.1.1).
        await juliet.SendAsync($"<presence to='{Contact}/orchard' type='subscribe'><status>Wherefore art thou?</status></presence>");
        var asking = await juliet.PushAsync(Contact);
        Assert.Equal("none", asking.GetAttribute("subscription"));
        Assert.Equal("subscribe", asking.GetAttribute("ask"));

        // Stored, not only pushed: a roster get shows the pending request.
        var stored = ImClient.Item(await juliet.RosterAsync())!;
        Assert.Equal(Contact, stored.GetAttribute("jid"));
        Assert.Equal("subscribe", stored.GetAttribute("ask"));

        // The stanza left for the remote path: presence is never answered with an error there.
        await juliet.QuietAsync(e => e.Name == "presence" && e.GetAttribute("type") == "error");

        await juliet.SendAsync($"<presence to='{Contact}' type='unsubscribe'/>");
        var cancelled = await juliet.PushAsync(Contact);
        Assert.Equal("none", cancelled.GetAttribute("subscription"));
        Assert.Null(cancelled.GetAttribute("ask"));
        Assert.Null(ImClient.Item(await juliet.RosterAsync())!.GetAttribute("ask"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3.4.1")]
    public async Task Pre_approving_a_remote_contact_is_kept_and_withdrawn_in_the_roster()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");

        await juliet.SendAsync($"<presence to='{Contact}' type='subscribed'/>");
        Assert.Equal("true", (await juliet.PushAsync(Contact)).GetAttribute("approved"));

        await juliet.SendAsync($"<presence to='{Contact}' type='unsubscribed'/>");
        Assert.Null((await juliet.PushAsync(Contact)).GetAttribute("approved"));
        await juliet.QuietAsync();
    }
}
