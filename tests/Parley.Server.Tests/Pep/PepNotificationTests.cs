using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Pep;

/// <summary>XEP-0163 §4 notifications addressed by presence and entity capabilities (XEP-0115), over real sockets.</summary>
public sealed class PepNotificationTests
{
    private const string MoodNode = "http://jabber.org/protocol/mood";
    private const string OpenNode = "urn:example:open";

    private static string Mood(string text) => $"<mood xmlns='{MoodNode}'><happy/><text>{text}</text></mood>";

    private static async Task<TestServer> ServerAsync()
    {
        var server = await TestServer.StartAsync();
        foreach (var user in new[] { "juliet", "romeo", "mallory" })
        {
            await server.CreateAccountAsync(user, "secret");
        }

        return server;
    }

    private static string ItemId(Element items) => items.Children("item", PepClients.Event).Single().GetAttribute("id")!;

    [Fact]
    [Trait("Conformance", "XEP-0163 §4.3 XEP-0115 §6.3 XEP-0060 §7.1.2 §7.2.2")]
    public async Task Subscribed_contacts_wanting_a_node_get_its_events_and_the_last_item_when_they_come_online()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await using var mallory = await SubscriptionTests.OnlineAsync(server, "mallory", "shadow");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);
        await juliet.PublishAsync(MoodNode, "m1", Mood("first"));
        await juliet.PublishAsync(OpenNode, "o1", "<o xmlns='urn:example:open'>1</o>", ("pubsub#access_model", "open"));

        // Romeo's caps say he wants moods: the server asks what his ver means (he answers), then
        // sends him the last mood (XEP-0163 §4.3.2). He does not want the open node.
        romeo.Caps = new TestCaps("http://jabber.org/protocol/disco#info", MoodNode + "+notify");
        await romeo.SendAsync(romeo.Caps.Presence());
        Assert.Equal("m1", ItemId(await romeo.EventAsync(juliet.Bare, MoodNode)));
        Assert.Equal(1, romeo.Caps.Asked);

        // Mallory wants both but shares no presence subscription: only the open node reaches her,
        // from her directed presence.
        mallory.Caps = new TestCaps("http://jabber.org/protocol/disco#info", MoodNode + "+notify", OpenNode + "+notify");
        await mallory.SendAsync(mallory.Caps.Presence(to: juliet.Bare));
        Assert.Equal("o1", ItemId(await mallory.EventAsync(juliet.Bare, OpenNode)));

        // New items go to whoever wants them and may see them.
        await juliet.PublishAsync(MoodNode, "m2", Mood("second"));
        var published = await romeo.EventAsync(juliet.Bare, MoodNode);
        Assert.Equal("m2", ItemId(published));
        Assert.Equal("second", published.Child("item", PepClients.Event)!.Child("mood", MoodNode)!.ChildText("text", MoodNode));
        await juliet.PublishAsync(OpenNode, "o2", "<o xmlns='urn:example:open'>2</o>");
        Assert.Equal("o2", ItemId(await mallory.EventAsync(juliet.Bare, OpenNode)));
        await mallory.QuietAsync(e => PepClients.IsEvent(e) && e.ToString().Contains(MoodNode, StringComparison.Ordinal));
        await romeo.QuietAsync(e => PepClients.IsEvent(e) && e.ToString().Contains(OpenNode, StringComparison.Ordinal));

        // XEP-0060 §7.2.2: a retraction with notify.
        await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><retract node='{MoodNode}' notify='true'><item id='m2'/></retract></pubsub>");
        var retracted = await romeo.EventAsync(juliet.Bare, MoodNode);
        Assert.Equal("m2", retracted.Child("retract", PepClients.Event)!.GetAttribute("id"));

        // The node keeps one item, and it was retracted: nothing is left until the next publish.
        await juliet.PublishAsync(MoodNode, "m3", Mood("third"));
        Assert.Equal("m3", ItemId(await romeo.EventAsync(juliet.Bare, MoodNode)));

        // The owner's own resource that wants moods hears of them too; one that announces no caps does not.
        await using var phone = await ImClient.LoginAsync(server, "juliet", "phone");
        phone.Caps = new TestCaps("http://jabber.org/protocol/disco#info", MoodNode + "+notify", "urn:example:phone");
        await phone.SendAsync(phone.Caps.Presence());
        Assert.Equal("m3", ItemId(await phone.EventAsync(juliet.Bare, MoodNode)));
        await juliet.PublishAsync(MoodNode, "m4", Mood("fourth"));
        Assert.Equal("m4", ItemId(await phone.EventAsync(juliet.Bare, MoodNode)));
        Assert.Equal("m4", ItemId(await romeo.EventAsync(juliet.Bare, MoodNode)));
        await juliet.QuietAsync(PepClients.IsEvent);

        // Romeo goes offline and comes back: the last item again, his caps already known (no second question).
        await romeo.SendAsync("<presence type='unavailable'/>");
        await juliet.PresenceAsync(romeo.Jid, "unavailable");
        await romeo.SendAsync(romeo.Caps.Presence());
        Assert.Equal("m4", ItemId(await romeo.EventAsync(juliet.Bare, MoodNode)));
        Assert.Equal(1, romeo.Caps.Asked);
    }

    [Fact]
    [Trait("Conformance", "XEP-0115 §5.4")]
    public async Task Caps_whose_answer_does_not_hash_to_the_ver_are_not_believed()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);
        await juliet.PublishAsync(MoodNode, "m1", Mood("first"));

        // Romeo announces the ver of a feature list without moods, then claims moods when asked.
        var announced = new TestCaps("http://jabber.org/protocol/disco#info");
        romeo.Caps = new TestCaps("http://jabber.org/protocol/disco#info", MoodNode + "+notify");
        await romeo.SendAsync(announced.Presence());
        for (var i = 0; i < 100 && romeo.Caps.Asked == 0; i++)
        {
            // Each ping is a round trip through Romeo's stream, during which the question is answered.
            await romeo.IqAsync("get", "<ping xmlns='urn:xmpp:ping'/>");
        }

        Assert.Equal(1, romeo.Caps.Asked);
        await romeo.QuietAsync(PepClients.IsEvent);
        await juliet.PublishAsync(MoodNode, "m2", Mood("second"));
        await romeo.QuietAsync(PepClients.IsEvent);
    }
}
