using Parley.Server.Tests.Federation;
using Parley.Server.Tests.Roster;

namespace Parley.Server.Tests.Pep;

/// <summary>PEP between two Parley servers federating over loopback: caps asked across servers, notifications and retrieval.</summary>
public sealed class PepFederationTests
{
    private const string MoodNode = "http://jabber.org/protocol/mood";

    private static string Mood(string text) => $"<mood xmlns='{MoodNode}'><happy/><text>{text}</text></mood>";

    private static string ItemId(Parley.Xmpp.Xml.Element items) => items.Children("item", PepClients.Event).Single().GetAttribute("id")!;

    [Fact]
    [Trait("Conformance", "XEP-0163 §4.3 XEP-0115 §6.3")]
    public async Task Remote_contacts_get_the_last_item_and_new_ones_and_retrieve_items_across_servers()
    {
        await using var servers = await FederatedServers.StartAsync();
        await using var alice = await SubscriptionTests.OnlineAsync(servers.A, "alice", "phone");
        await using var bob = await SubscriptionTests.OnlineAsync(servers.B, "bob", "laptop");
        await SubscriptionTests.MakeBothAsync(alice, bob);
        await alice.PublishAsync(MoodNode, "m1", Mood("first"));

        // Bob's caps reach alice's server with his presence; it asks his client across the federation, then sends the last mood.
        bob.Caps = new TestCaps("http://jabber.org/protocol/disco#info", MoodNode + "+notify");
        await bob.SendAsync(bob.Caps.Presence());
        Assert.Equal("m1", ItemId(await bob.EventAsync("alice@a.example", MoodNode)));
        Assert.Equal(1, bob.Caps.Asked);

        await alice.PublishAsync(MoodNode, "m2", Mood("second"));
        var second = await bob.EventAsync("alice@a.example", MoodNode);
        Assert.Equal("second", second.Child("item", PepClients.Event)!.Child("mood", MoodNode)!.ChildText("text", MoodNode));

        // Retrieval by a subscribed remote contact (presence access).
        Assert.Equal(["m2"], PepClients.ItemIds(await bob.ItemsAsync("alice@a.example", MoodNode)));

        // And the other way: alice's caps, bob's mood.
        alice.Caps = new TestCaps("http://jabber.org/protocol/disco#info", MoodNode + "+notify", "urn:example:alice");
        await alice.SendAsync(alice.Caps.Presence());
        await bob.PublishAsync(MoodNode, "b1", Mood("bob"));
        for (var i = 0; i < 100 && alice.Caps.Asked == 0; i++)
        {
            await alice.IqAsync("get", "<ping xmlns='urn:xmpp:ping'/>");
        }

        // Either the last item on her caps becoming known, or the notification of the publish: b1 arrives.
        Assert.Equal("b1", ItemId(await alice.EventAsync("bob@b.example", MoodNode)));
    }
}
