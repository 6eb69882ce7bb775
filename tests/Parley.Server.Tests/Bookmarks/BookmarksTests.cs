using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Pep;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Bookmarks;

/// <summary>
/// XEP-0402 bookmarks kept as one with XEP-0048's list in private XML ("#compat") and in PEP
/// ("#compat-pep"), and XEP-0223 private PEP data, over real sockets.
/// </summary>
public sealed class BookmarksTests
{
    private const string Native = "urn:xmpp:bookmarks:1";
    private const string Legacy = "storage:bookmarks";

    /// <summary>XEP-0402 §3's publish-options, as clients send them.</summary>
    private static readonly (string, string)[] NativeOptions =
        [("pubsub#persist_items", "true"), ("pubsub#max_items", "max"), ("pubsub#send_last_published_item", "never"), ("pubsub#access_model", "whitelist")];

    /// <summary>XEP-0223 §3's publish-options.</summary>
    private static readonly (string, string)[] PrivateOptions = [("pubsub#persist_items", "true"), ("pubsub#access_model", "whitelist")];

    private static async Task<(TestServer Server, ImClient Juliet)> StartAsync()
    {
        var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return (server, await SubscriptionTests.OnlineAsync(server, "juliet", "balcony"));
    }

    private static async Task<Element> PrivateListAsync(ImClient client) =>
        (await client.IqAsync("get", $"<query xmlns='jabber:iq:private'><storage xmlns='{Legacy}'/></query>"))
            .Child("query", Namespaces.PrivateXml)!.Child("storage", Legacy)!;

    private static async Task<Element> PepListAsync(ImClient client)
    {
        var items = (await client.ItemsAsync(client.Bare, Legacy)).Child("pubsub", PepClients.PubSub)!.Child("items", PepClients.PubSub)!;
        var item = Assert.Single(items.Children("item", PepClients.PubSub));
        Assert.Equal("current", item.GetAttribute("id"));
        return item.Child("storage", Legacy)!;
    }

    /// <summary>The XEP-0402 items: room JID → conference.</summary>
    private static async Task<Dictionary<string, Element>> NativeAsync(ImClient client) =>
        (await client.ItemsAsync(client.Bare, Native)).Child("pubsub", PepClients.PubSub)!.Child("items", PepClients.PubSub)!
            .Children("item", PepClients.PubSub).ToDictionary(i => i.GetAttribute("id")!, i => i.Child("conference", Native)!);

    private static Dictionary<string, Element> Rooms(Element storage) =>
        storage.Children("conference", Legacy).ToDictionary(c => c.GetAttribute("jid")!);

    [Fact]
    [Trait("Conformance", "XEP-0402 §3 §6 XEP-0048 §3 XEP-0049")]
    public async Task Native_bookmarks_are_written_through_to_the_xep_0048_list_in_private_xml_and_pep()
    {
        var (server, juliet) = await StartAsync();
        await using var _ = server;
        await using var __ = juliet;

        // XEP-0402 §6: both compatibility features on the account.
        var features = (await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoInfo}'/>", juliet.Bare)).Child("query", Namespaces.DiscoInfo)!
            .Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var")).ToList();
        Assert.Contains("urn:xmpp:bookmarks:1#compat", features);
        Assert.Contains("urn:xmpp:bookmarks:1#compat-pep", features);

        // An older list with a URL, which XEP-0402 has no place for.
        await juliet.IqAsync("set", $"<query xmlns='jabber:iq:private'><storage xmlns='{Legacy}'><url name='Play' url='https://example.org/play'/></storage></query>");

        Assert.Equal("coven@chat.shakespeare.lit", PepClients.PublishedId(await juliet.PublishAsync(Native, "coven@chat.shakespeare.lit",
            $"<conference xmlns='{Native}' name='The Coven' autojoin='true'><nick>J</nick><extensions><state xmlns='urn:example:state'/></extensions></conference>", NativeOptions)));
        await juliet.PublishAsync(Native, "orchard@chat.shakespeare.lit", $"<conference xmlns='{Native}' name='Orchard'><password>rose</password></conference>", NativeOptions);

        foreach (var list in new[] { await PrivateListAsync(juliet), await PepListAsync(juliet) })
        {
            var rooms = Rooms(list);
            Assert.Equal(["coven@chat.shakespeare.lit", "orchard@chat.shakespeare.lit"], rooms.Keys.Order());
            Assert.Equal(("The Coven", "true", "J"), (rooms["coven@chat.shakespeare.lit"].GetAttribute("name"), rooms["coven@chat.shakespeare.lit"].GetAttribute("autojoin"), rooms["coven@chat.shakespeare.lit"].ChildText("nick", Legacy)));
            Assert.Equal(("false", "rose"), (rooms["orchard@chat.shakespeare.lit"].GetAttribute("autojoin"), rooms["orchard@chat.shakespeare.lit"].ChildText("password", Legacy)));
            Assert.Equal("https://example.org/play", list.Child("url", Legacy)!.GetAttribute("url"));
        }

        // A retraction takes the room out of both lists.
        await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><retract node='{Native}' notify='true'><item id='orchard@chat.shakespeare.lit'/></retract></pubsub>");
        Assert.Equal(["coven@chat.shakespeare.lit"], Rooms(await PrivateListAsync(juliet)).Keys);
        Assert.Equal(["coven@chat.shakespeare.lit"], Rooms(await PepListAsync(juliet)).Keys);
    }

    [Fact]
    [Trait("Conformance", "XEP-0402 §6 XEP-0048 §3 XEP-0049")]
    public async Task A_list_stored_in_private_xml_updates_native_bookmarks_room_by_room()
    {
        var (server, juliet) = await StartAsync();
        await using var _ = server;
        await using var __ = juliet;
        await juliet.PublishAsync(Native, "a@chat.example", $"<conference xmlns='{Native}' name='A' autojoin='true'><nick>J</nick><extensions><pin xmlns='urn:example:pin'/></extensions></conference>", NativeOptions);
        await juliet.PublishAsync(Native, "b@chat.example", $"<conference xmlns='{Native}' name='B'/>", NativeOptions);

        // Another resource of Juliet's follows bookmarks (XEP-0402 §4 +notify). Bookmarks are never sent
        // on presence, so the mood it also wants tells when the server knows its caps.
        await juliet.PublishAsync("http://jabber.org/protocol/mood", "m", "<mood xmlns='http://jabber.org/protocol/mood'><happy/></mood>");
        await using var phone = await ImClient.LoginAsync(server, "juliet", "phone");
        phone.Caps = new TestCaps(Namespaces.DiscoInfo, Native + "+notify", "http://jabber.org/protocol/mood+notify");
        await phone.SendAsync(phone.Caps.Presence());
        await phone.EventAsync(juliet.Bare, "http://jabber.org/protocol/mood");

        // An old client stores the whole list: A unchanged, B gone, C new.
        var set = await juliet.IqAsync("set", "<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>"
            + "<conference jid='a@chat.example' name='A' autojoin='true'><nick>J</nick></conference>"
            + "<conference jid='c@chat.example' name='C' autojoin='1'><nick>Jules</nick></conference>"
            + "<conference jid='not a jid@@' name='broken'/></storage></query>");
        Assert.Equal("result", set.GetAttribute("type"));

        // The changed rooms are notified, the unchanged one is not (XEP-0402 §6.2).
        var published = await phone.EventAsync(juliet.Bare, Native);
        Assert.Equal("c@chat.example", published.Child("item", PepClients.Event)!.GetAttribute("id"));
        var retracted = await phone.EventAsync(juliet.Bare, Native);
        Assert.Equal("b@chat.example", retracted.Child("retract", PepClients.Event)!.GetAttribute("id"));
        await phone.QuietAsync(e => PepClients.IsEvent(e) && e.ToString().Contains(Native, StringComparison.Ordinal));

        var native = await NativeAsync(juliet);
        Assert.Equal(["a@chat.example", "c@chat.example"], native.Keys.Order());
        Assert.NotNull(native["a@chat.example"].Child("extensions", Native)!.Child("pin", "urn:example:pin"));
        Assert.Equal(("C", "true", "Jules"), (native["c@chat.example"].GetAttribute("name"), native["c@chat.example"].GetAttribute("autojoin"), native["c@chat.example"].ChildText("nick", Native)));

        // The PEP copy of the list is the list as stored (what XEP-0402 cannot hold included).
        Assert.Equal(["a@chat.example", "c@chat.example", "not a jid@@"], Rooms(await PepListAsync(juliet)).Keys.Order());
    }

    [Fact]
    [Trait("Conformance", "XEP-0402 §6 XEP-0048 §3 XEP-0223 §3")]
    public async Task A_list_published_in_pep_updates_native_bookmarks_and_private_xml()
    {
        var (server, juliet) = await StartAsync();
        await using var _ = server;
        await using var __ = juliet;
        Assert.Equal("current", PepClients.PublishedId(await juliet.PublishAsync(Legacy, "current",
            $"<storage xmlns='{Legacy}'><conference jid='d@chat.example' name='D' autojoin='true'><nick>J</nick></conference></storage>", PrivateOptions)));

        var native = await NativeAsync(juliet);
        Assert.Equal(["d@chat.example"], native.Keys);
        Assert.Equal("true", native["d@chat.example"].GetAttribute("autojoin"));
        Assert.Equal(["d@chat.example"], Rooms(await PrivateListAsync(juliet)).Keys);

        // The native node was created as XEP-0402 asks: a client's publish-options meet it.
        Assert.Equal("result", (await juliet.PublishAsync(Native, "e@chat.example", $"<conference xmlns='{Native}' name='E'/>", NativeOptions)).GetAttribute("type"));
        Assert.Equal(["d@chat.example", "e@chat.example"], Rooms(await PepListAsync(juliet)).Keys.Order());
    }

    [Fact]
    [Trait("Conformance", "XEP-0223 §3 §4 XEP-0060 §5.3 §5.4 §5.5 §7.1.5")]
    public async Task Private_pep_data_published_with_whitelist_and_persist_preconditions_stays_the_owners()
    {
        var (server, juliet) = await StartAsync();
        await using var _ = server;
        await using var __ = juliet;
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);
        romeo.Caps = new TestCaps(Namespaces.DiscoInfo, "urn:example:private+notify");
        await romeo.SendAsync(romeo.Caps.Presence());

        // XEP-0223 §3: the account advertises publish-options; the publish creates the node with them.
        Assert.Contains((await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoInfo}'/>", juliet.Bare)).Child("query", Namespaces.DiscoInfo)!
            .Children("feature", Namespaces.DiscoInfo), f => f.GetAttribute("var") == "http://jabber.org/protocol/pubsub#publish-options");
        const string node = "urn:example:private";
        Assert.Equal("result", (await juliet.PublishAsync(node, "current", "<secret xmlns='urn:example:private'>42</secret>", PrivateOptions)).GetAttribute("type"));
        Assert.Equal(["current"], PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, node)));

        // Nobody else sees it, even a contact with a subscription who wants it.
        var refused = await romeo.ItemsAsync(juliet.Bare, node);
        Assert.Equal(("not-allowed", "closed-node"), (ImClient.Condition(refused), PepClients.Specific(refused)));
        await romeo.QuietAsync(PepClients.IsEvent);
        Assert.Equal("item-not-found", ImClient.Condition(await romeo.IqAsync("get", $"<query xmlns='{Namespaces.DiscoInfo}' node='{node}'/>", juliet.Bare)));

        // XEP-0060 §5.4: the owner's node disco#info tells it is a whitelisted leaf; §5.5 lists its items.
        var info = (await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoInfo}' node='{node}'/>", juliet.Bare)).Child("query", Namespaces.DiscoInfo)!;
        Assert.Equal(node, info.GetAttribute("node"));
        var identity = info.Child("identity", Namespaces.DiscoInfo)!;
        Assert.Equal(("pubsub", "leaf"), (identity.GetAttribute("category"), identity.GetAttribute("type")));
        var meta = info.Child("x", Namespaces.DataForms)!.Children("field", Namespaces.DataForms).ToDictionary(f => f.GetAttribute("var")!, f => f.ChildText("value", Namespaces.DataForms));
        Assert.Equal("http://jabber.org/protocol/pubsub#meta-data", meta["FORM_TYPE"]);
        Assert.Equal("whitelist", meta["pubsub#access_model"]);
        var items = (await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoItems}' node='{node}'/>", juliet.Bare)).Child("query", Namespaces.DiscoItems)!;
        Assert.Equal(["current"], items.Children("item", Namespaces.DiscoItems).Select(i => i.GetAttribute("name")));
        Assert.Equal("item-not-found", ImClient.Condition(await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoInfo}' node='urn:example:none'/>", juliet.Bare)));

        // XEP-0223 §4: the same preconditions publish again; a weaker one is not met and nothing changes.
        Assert.Equal("result", (await juliet.PublishAsync(node, "current", "<secret xmlns='urn:example:private'>43</secret>", PrivateOptions)).GetAttribute("type"));
        var weaker = await juliet.PublishAsync(node, "current", "<secret xmlns='urn:example:private'>44</secret>", ("pubsub#persist_items", "true"), ("pubsub#access_model", "presence"));
        Assert.Equal(("conflict", "precondition-not-met"), (ImClient.Condition(weaker), PepClients.Specific(weaker)));
        var kept = (await juliet.ItemsAsync(juliet.Bare, node)).Child("pubsub", PepClients.PubSub)!.Child("items", PepClients.PubSub)!.Child("item", PepClients.PubSub)!;
        Assert.Equal("43", kept.ChildText("secret", "urn:example:private"));
        await romeo.QuietAsync(PepClients.IsEvent);
    }
}
