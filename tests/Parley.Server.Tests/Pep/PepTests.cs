using Microsoft.Data.Sqlite;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Pep;

/// <summary>XEP-0163 PEP over the XEP-0060 subset, node operations and access, over real sockets.</summary>
public sealed class PepTests
{
    private const string Mood = "<mood xmlns='http://jabber.org/protocol/mood'><happy/></mood>";
    private const string MoodNode = "http://jabber.org/protocol/mood";

    private static async Task<TestServer> ServerAsync(params (string Key, string Value)[] settings)
    {
        var server = await TestServer.StartAsync(settings);
        foreach (var user in new[] { "juliet", "romeo", "mallory" })
        {
            await server.CreateAccountAsync(user, "secret");
        }

        return server;
    }

    private static string Payload(string text) => $"<note xmlns='urn:example:notes'>{text}</note>";

    [Fact]
    [Trait("Conformance", "XEP-0163 §3 XEP-0060 §6.5 §7.1 §7.2 §8.2 §8.4 §8.5")]
    public async Task The_owner_publishes_retrieves_retracts_configures_purges_and_deletes()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        const string node = "urn:example:notes";

        // XEP-0163 §3: the first publish creates the node; an item without id gets one.
        Assert.Equal("a", PepClients.PublishedId(await juliet.PublishAsync(node, "a", Payload("1"))));
        var generated = PepClients.PublishedId(await juliet.PublishAsync(node, null, Payload("2")));
        Assert.NotEmpty(generated);

        // XEP-0163 §5's default keeps one item.
        Assert.Equal([generated], PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, node)));

        // XEP-0060 §8.2: more items kept once configured; the items come oldest first, max_items the newest.
        Assert.Equal("result", (await juliet.ConfigureAsync(node, ("pubsub#max_items", "10"))).GetAttribute("type"));
        foreach (var id in new[] { "b", "c", "d" })
        {
            await juliet.PublishAsync(node, id, Payload(id));
        }

        Assert.Equal([generated, "b", "c", "d"], PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, node)));
        Assert.Equal(["c", "d"], PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, node, "max_items='2'")));
        var byId = await juliet.ItemsAsync(juliet.Bare, node, inner: "<item id='b'/><item id='zz'/>");
        Assert.Equal(["b"], PepClients.ItemIds(byId));
        Assert.Equal("b", byId.Child("pubsub", PepClients.PubSub)!.Child("items", PepClients.PubSub)!.Child("item", PepClients.PubSub)!.Child("note", "urn:example:notes")!.Text);

        // Publishing an existing id replaces it and makes it the newest.
        await juliet.PublishAsync(node, "b", Payload("b2"));
        Assert.Equal(["b"], PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, node, "max_items='1'")));

        // XEP-0060 §7.2: retract, then a second retract finds nothing.
        Assert.Equal("result", (await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><retract node='{node}'><item id='c'/></retract></pubsub>")).GetAttribute("type"));
        Assert.Equal([generated, "d", "b"], PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, node)));
        Assert.Equal("item-not-found", ImClient.Condition(await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><retract node='{node}'><item id='c'/></retract></pubsub>")));

        // XEP-0060 §8.2.1: the configuration form shows the values; lowering max_items drops the oldest.
        var form = (await juliet.IqAsync("get", $"<pubsub xmlns='{PepClients.Owner}'><configure node='{node}'/></pubsub>"))
            .Child("pubsub", PepClients.Owner)!.Child("configure", PepClients.Owner)!.Child("x", Namespaces.DataForms)!;
        string? Value(string var) => form.Children("field", Namespaces.DataForms).Single(f => f.GetAttribute("var") == var).ChildText("value", Namespaces.DataForms);
        Assert.Equal("presence", Value("pubsub#access_model"));
        Assert.Equal("10", Value("pubsub#max_items"));
        Assert.Equal("1", Value("pubsub#persist_items"));
        await juliet.ConfigureAsync(node, ("pubsub#max_items", "2"));
        Assert.Equal(["d", "b"], PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, node)));

        // XEP-0060 §8.5 purge, §8.4 delete.
        Assert.Equal("result", (await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.Owner}'><purge node='{node}'/></pubsub>")).GetAttribute("type"));
        Assert.Empty(PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, node)));
        Assert.Equal("result", (await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.Owner}'><delete node='{node}'/></pubsub>")).GetAttribute("type"));
        Assert.Equal("item-not-found", ImClient.Condition(await juliet.ItemsAsync(juliet.Bare, node)));
        Assert.Equal("item-not-found", ImClient.Condition(await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.Owner}'><delete node='{node}'/></pubsub>")));

        // XEP-0060 §8.1 create, and a second create conflicts.
        Assert.Equal("result", (await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><create node='{node}'/></pubsub>")).GetAttribute("type"));
        Assert.Equal("conflict", ImClient.Condition(await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><create node='{node}'/></pubsub>")));
    }

    [Fact]
    [Trait("Conformance", "XEP-0163 §7 XEP-0060 §7.1.3 §8.2.5")]
    public async Task Bad_publishes_and_foreign_owners_get_the_xeps_errors()
    {
        await using var server = await ServerAsync(("Pep:MaxItemBytes", "200"), ("Pep:MaxNodes", "2"));
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await juliet.PublishAsync(MoodNode, "current", Mood);

        // Another user's PEP service: forbidden for every owner action.
        Assert.Equal("forbidden", ImClient.Condition(await romeo.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><publish node='{MoodNode}'><item>{Mood}</item></publish></pubsub>", juliet.Bare)));
        Assert.Equal("forbidden", ImClient.Condition(await romeo.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><retract node='{MoodNode}'><item id='current'/></retract></pubsub>", juliet.Bare)));
        Assert.Equal("forbidden", ImClient.Condition(await romeo.IqAsync("set", $"<pubsub xmlns='{PepClients.Owner}'><purge node='{MoodNode}'/></pubsub>", juliet.Bare)));
        Assert.Equal("forbidden", ImClient.Condition(await romeo.IqAsync("set", $"<pubsub xmlns='{PepClients.Owner}'><delete node='{MoodNode}'/></pubsub>", juliet.Bare)));
        Assert.Equal("forbidden", ImClient.Condition(await romeo.IqAsync("get", $"<pubsub xmlns='{PepClients.Owner}'><configure node='{MoodNode}'/></pubsub>", juliet.Bare)));

        // XEP-0060 §7.1.3: nodeid-required, item-required, payload-required, invalid-payload.
        var noNode = await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><publish><item>{Mood}</item></publish></pubsub>");
        Assert.Equal(("bad-request", "nodeid-required"), (ImClient.Condition(noNode), PepClients.Specific(noNode)));
        var noItem = await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><publish node='{MoodNode}'/></pubsub>");
        Assert.Equal(("bad-request", "item-required"), (ImClient.Condition(noItem), PepClients.Specific(noItem)));
        var noPayload = await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.PubSub}'><publish node='{MoodNode}'><item id='x'/></publish></pubsub>");
        Assert.Equal(("bad-request", "payload-required"), (ImClient.Condition(noPayload), PepClients.Specific(noPayload)));
        var twoPayloads = await juliet.PublishAsync(MoodNode, "x", Mood + Mood);
        Assert.Equal(("bad-request", "invalid-payload"), (ImClient.Condition(twoPayloads), PepClients.Specific(twoPayloads)));

        // Pep:MaxItemBytes: not-acceptable with payload-too-big.
        var big = await juliet.PublishAsync(MoodNode, "big", Payload(new string('x', 200)));
        Assert.Equal(("not-acceptable", "payload-too-big"), (ImClient.Condition(big), PepClients.Specific(big)));

        // Item ids up to 1,023 bytes.
        Assert.Equal("result", (await juliet.PublishAsync(MoodNode, new string('i', 1023), Mood)).GetAttribute("type"));
        Assert.Equal("bad-request", ImClient.Condition(await juliet.PublishAsync(MoodNode, new string('i', 1024), Mood)));

        // XEP-0060 §8.2.5: an unknown configuration field; a value the field does not admit.
        Assert.Equal("not-acceptable", ImClient.Condition(await juliet.ConfigureAsync(MoodNode, ("pubsub#frobnicate", "1"))));
        Assert.Equal("bad-request", ImClient.Condition(await juliet.ConfigureAsync(MoodNode, ("pubsub#access_model", "everyone"))));

        // Pep:MaxNodes: the third node is refused with policy-violation; the others still work.
        Assert.Equal("result", (await juliet.PublishAsync("urn:example:second", "1", Payload("s"))).GetAttribute("type"));
        Assert.Equal("policy-violation", ImClient.Condition(await juliet.PublishAsync("urn:example:third", "1", Payload("t"))));
        Assert.Equal("result", (await juliet.PublishAsync(MoodNode, "current", Mood)).GetAttribute("type"));

        // The server kept serving: Romeo still publishes his own.
        Assert.Equal("result", (await romeo.PublishAsync(MoodNode, "current", Mood)).GetAttribute("type"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0060 §4.5 §6.5.9")]
    public async Task Access_models_presence_open_roster_and_whitelist_decide_who_retrieves()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await using var mallory = await SubscriptionTests.OnlineAsync(server, "mallory", "shadow");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);
        await juliet.SetItemAsync("<item jid='romeo@localhost'><group>Friends</group></item>");

        await juliet.PublishAsync("urn:example:presence", "1", Payload("p"));
        await juliet.PublishAsync("urn:example:open", "1", Payload("o"), ("pubsub#access_model", "open"));
        await juliet.PublishAsync("urn:example:whitelist", "1", Payload("w"), ("pubsub#access_model", "whitelist"));
        await juliet.PublishAsync("urn:example:roster", "1", Payload("r"));
        await juliet.IqAsync("set", $"<pubsub xmlns='{PepClients.Owner}'><configure node='urn:example:roster'><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
            + "<field var='pubsub#access_model'><value>roster</value></field>"
            + "<field var='pubsub#roster_groups_allowed'><value>Friends</value><value>Family</value></field></x></configure></pubsub>");

        // presence (the default): a subscribed contact reads, a stranger does not.
        Assert.Equal(["1"], PepClients.ItemIds(await romeo.ItemsAsync(juliet.Bare, "urn:example:presence")));
        var stranger = await mallory.ItemsAsync(juliet.Bare, "urn:example:presence");
        Assert.Equal(("not-authorized", "presence-subscription-required"), (ImClient.Condition(stranger), PepClients.Specific(stranger)));

        // open: anyone.
        Assert.Equal(["1"], PepClients.ItemIds(await mallory.ItemsAsync(juliet.Bare, "urn:example:open")));

        // roster: a contact in an allowed group; not a stranger.
        Assert.Equal(["1"], PepClients.ItemIds(await romeo.ItemsAsync(juliet.Bare, "urn:example:roster")));
        var notInGroup = await mallory.ItemsAsync(juliet.Bare, "urn:example:roster");
        Assert.Equal(("not-authorized", "not-in-roster-group"), (ImClient.Condition(notInGroup), PepClients.Specific(notInGroup)));

        // whitelist: the owner alone.
        Assert.Equal(["1"], PepClients.ItemIds(await juliet.ItemsAsync(juliet.Bare, "urn:example:whitelist")));
        var closed = await romeo.ItemsAsync(juliet.Bare, "urn:example:whitelist");
        Assert.Equal(("not-allowed", "closed-node"), (ImClient.Condition(closed), PepClients.Specific(closed)));
    }

    [Fact]
    [Trait("Conformance", "XEP-0060 §7.1.5 XEP-0384 §5.3.2")]
    public async Task Omemo_device_list_is_published_with_an_open_access_precondition_as_conversations_does()
    {
        const string devices = "eu.siacs.conversations.axolotl.devicelist";
        const string list = "<list xmlns='eu.siacs.conversations.axolotl'><device id='1234'/></list>";
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var mallory = await SubscriptionTests.OnlineAsync(server, "mallory", "shadow");

        // Conversations first checks the account advertises publish-options (XEP-0060 §7.1.5).
        var info = await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoInfo}'/>", juliet.Bare);
        var query = info.Child("query", Namespaces.DiscoInfo)!;
        Assert.Contains(query.Children("feature", Namespaces.DiscoInfo), f => f.GetAttribute("var") == "http://jabber.org/protocol/pubsub#publish-options");
        Assert.Contains(query.Children("identity", Namespaces.DiscoInfo), i => i.GetAttribute("category") == "pubsub" && i.GetAttribute("type") == "pep");

        // Created open by the publish-options; anyone may fetch the device list (XEP-0384 §5.3.2).
        Assert.Equal("current", PepClients.PublishedId(await juliet.PublishAsync(devices, "current", list, ("pubsub#access_model", "open"))));
        Assert.Equal(["current"], PepClients.ItemIds(await mallory.ItemsAsync(juliet.Bare, devices)));
        Assert.Equal("result", (await juliet.PublishAsync(devices, "current", list, ("pubsub#access_model", "open"))).GetAttribute("type"));

        // Another client narrowed the node: the precondition fails and nothing is published.
        await juliet.ConfigureAsync(devices, ("pubsub#access_model", "presence"));
        var refused = await juliet.PublishAsync(devices, "current", "<list xmlns='eu.siacs.conversations.axolotl'><device id='99'/></list>", ("pubsub#access_model", "open"));
        Assert.Equal(("conflict", "precondition-not-met"), (ImClient.Condition(refused), PepClients.Specific(refused)));
        Assert.Equal("1234", (await juliet.ItemsAsync(juliet.Bare, devices)).Child("pubsub", PepClients.PubSub)!.Child("items", PepClients.PubSub)!
            .Child("item", PepClients.PubSub)!.Child("list", "eu.siacs.conversations.axolotl")!.Child("device", "eu.siacs.conversations.axolotl")!.GetAttribute("id"));

        // Conversations then reconfigures the node and publishes again.
        Assert.Equal("result", (await juliet.ConfigureAsync(devices, ("pubsub#access_model", "open"))).GetAttribute("type"));
        Assert.Equal("result", (await juliet.PublishAsync(devices, "current", list, ("pubsub#access_model", "open"))).GetAttribute("type"));

        // A bundle node with the same options; an option the node does not have is a precondition not met.
        Assert.Equal("result", (await juliet.PublishAsync("eu.siacs.conversations.axolotl.bundles:1234", "current", "<bundle xmlns='eu.siacs.conversations.axolotl'/>", ("pubsub#access_model", "open"))).GetAttribute("type"));
        var maxItems = await juliet.PublishAsync(devices, "current", list, ("pubsub#max_items", "max"));
        Assert.Equal("precondition-not-met", PepClients.Specific(maxItems));
        var unknown = await juliet.PublishAsync(devices, "current", list, ("pubsub#frobnicate", "1"));
        Assert.Equal("precondition-not-met", PepClients.Specific(unknown));
    }

    [Fact]
    [Trait("Conformance", "XEP-0163 §3")]
    public async Task Nodes_items_and_configuration_survive_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "parley-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await TestServer.StartAsync(("DataDirectory", data)))
            {
                await first.CreateAccountAsync("juliet", "secret");
                await using var juliet = await ImClient.LoginAsync(first, "juliet", "balcony");
                await juliet.PublishAsync("urn:example:notes", "a", Payload("kept"), ("pubsub#access_model", "whitelist"), ("pubsub#max_items", "5"));
                await juliet.PublishAsync("urn:example:notes", "b", Payload("also kept"));
            }

            await using var second = await TestServer.StartAsync(("DataDirectory", data));
            await using var again = await ImClient.LoginAsync(second, "juliet", "balcony");
            Assert.Equal(["a", "b"], PepClients.ItemIds(await again.ItemsAsync(again.Bare, "urn:example:notes")));
            Assert.Equal("result", (await again.PublishAsync("urn:example:notes", "c", Payload("c"), ("pubsub#access_model", "whitelist"), ("pubsub#max_items", "5"))).GetAttribute("type"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0163 §6.1 XEP-0060 §5.2")]
    public async Task The_account_lists_its_nodes_to_the_owner_and_to_others_those_they_may_see()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);
        await juliet.PublishAsync("urn:example:presence", "1", Payload("p"));
        await juliet.PublishAsync("urn:example:private", "1", Payload("w"), ("pubsub#access_model", "whitelist"), ("pubsub#persist_items", "true"));

        List<string?> Nodes(Element result) => [.. result.Child("query", Namespaces.DiscoItems)!.Children("item", Namespaces.DiscoItems).Select(i => i.GetAttribute("node"))];
        Assert.Equal(["urn:example:presence", "urn:example:private"], Nodes(await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoItems}'/>", juliet.Bare)));
        Assert.Equal(["urn:example:presence"], Nodes(await romeo.IqAsync("get", $"<query xmlns='{Namespaces.DiscoItems}'/>", juliet.Bare)));
    }

    [Fact]
    [Trait("Conformance", "XEP-0115 §6.3")]
    public async Task The_server_announces_its_caps_in_stream_features_and_answers_for_their_node()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        await client.AuthenticatePlainAsync("juliet", "secret");
        var features = await client.OpenAsync();
        var c = features.Child("c", "http://jabber.org/protocol/caps")!;
        Assert.Equal("sha-1", c.GetAttribute("hash"));
        await client.BindAsync("caps");

        var info = (await client.AskAsync($"<iq type='get' id='i1' to='localhost'><query xmlns='{Namespaces.DiscoInfo}' node='{c.GetAttribute("node")}#{c.GetAttribute("ver")}'/></iq>"))
            .Child("query", Namespaces.DiscoInfo)!;
        Assert.Equal($"{c.GetAttribute("node")}#{c.GetAttribute("ver")}", info.GetAttribute("node"));
        var features2 = info.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var")!).ToList();
        Assert.Contains("http://jabber.org/protocol/caps", features2);

        // XEP-0115 §5.1 by hand: the one identity, then the features, sorted.
        var s = "server/im//Parley<" + string.Concat(features2.Order(StringComparer.Ordinal).Select(f => f + "<"));
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(s))), c.GetAttribute("ver"));
        Assert.Equal("item-not-found", Exchange.Condition(await client.AskAsync($"<iq type='get' id='i2' to='localhost'><query xmlns='{Namespaces.DiscoInfo}' node='{c.GetAttribute("node")}#wrong'/></iq>")));
    }
}
