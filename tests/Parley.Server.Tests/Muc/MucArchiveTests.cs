using Parley.Server.Tests.Archive;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;
using static Parley.Server.Tests.Muc.MucClient;
using static Parley.Server.Tests.Muc.MucRoomTests;

namespace Parley.Server.Tests.Muc;

/// <summary>Room archives: XEP-0313 on the room JID, the room's XEP-0359 stanza-ids, access by the room's rules, archiving by its configuration.</summary>
public sealed class MucArchiveTests
{
    private const string Lobby = "lobby@" + Service;

    private static async Task<Element> GroupchatAsync(RawStream sender, string room, string body, string extra = "")
    {
        await sender.SendAsync($"<message to='{room}@{Service}' type='groupchat'><body>{body}</body>{extra}</message>");
        return await sender.ExpectStanzaAsync("message");
    }

    private static async Task<List<string?>> FeaturesAsync(RawStream client, string room) =>
        [.. (await client.AskAsync($"<iq type='get' id='d' to='{room}@{Service}'><query xmlns='{Namespaces.DiscoInfo}'/></iq>"))
            .Child("query", Namespaces.DiscoInfo)!.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var"))];

    [Fact]
    [Trait("Conformance", "XEP-0313 §4 §7 (room)")]
    [Trait("Conformance", "XEP-0359 §4 (room)")]
    public async Task Groupchat_is_stamped_and_archived_by_the_room_and_queried_on_the_room_jid_like_an_account()
    {
        await using var server = await TestServer.StartAsync();
        var users = await RoomWithAsync(server, "lobby", "alice", "bob", "carol");
        var (alice, bob, carol) = (users[0], users[1], users[2]);
        Assert.Contains(Namespaces.Mam, await FeaturesAsync(carol, "lobby"));
        Assert.Contains(Namespaces.StanzaId, await FeaturesAsync(carol, "lobby"));

        // Every occupant gets the same id by the room; a claimed one is dropped, the origin-id stays.
        var sent = await GroupchatAsync(bob, "lobby", "one", $"<stanza-id xmlns='{Namespaces.StanzaId}' by='{Lobby}' id='1'/><origin-id xmlns='{Namespaces.StanzaId}' id='o1'/>");
        var atAlice = await alice.ExpectStanzaAsync("message");
        await carol.ExpectStanzaAsync("message");
        var id = Mam.StanzaId(sent, Lobby);
        Assert.NotNull(id);
        Assert.NotEqual("1", id);
        Assert.Single(sent.Children("stanza-id", Namespaces.StanzaId));
        Assert.Equal(id, Mam.StanzaId(atAlice, Lobby));
        Assert.Equal("o1", atAlice.Child("origin-id", Namespaces.StanzaId)?.GetAttribute("id"));
        var ids = new List<string> { id! };
        foreach (var (sender, body) in new[] { (alice, "two"), (bob, "three"), (alice, "four") })
        {
            ids.Add(Mam.StanzaId(await GroupchatAsync(sender, "lobby", body), Lobby)!);
            foreach (var other in new[] { alice, bob, carol }.Where(c => c != sender))
            {
                await other.ExpectStanzaAsync("message");
            }
        }

        // Carol, in the (open) room, reads the whole archive from the room, the ids being the stanza-ids.
        var all = await Mam.QueryAsync(carol, to: Lobby);
        Assert.Equal(["one", "two", "three", "four"], all.Bodies);
        Assert.Equal(ids, all.Ids);
        Assert.Equal((4, true), (all.Count, all.Complete));
        Assert.All(all.Items, i => Assert.Equal("groupchat", i.Forwarded.GetAttribute("type")));
        Assert.Equal($"{Lobby}/Bob", all.Items[0].Forwarded.GetAttribute("from"));
        Assert.Equal(ids[0], Mam.StanzaId(all.Items[0].Forwarded, Lobby));
        Assert.NotNull(all.Items[0].Forwarded.Child("occupant-id", Namespaces.OccupantId));

        // The same paging and filters as an account's archive; 'with' names an occupant.
        var first = await Mam.QueryAsync(carol, rsm: "<max>2</max>", to: Lobby);
        Assert.Equal(["one", "two"], first.Bodies);
        Assert.False(first.Complete);
        var next = await Mam.QueryAsync(carol, rsm: $"<max>2</max><after>{first.Last}</after>", to: Lobby);
        Assert.Equal(["three", "four"], next.Bodies);
        Assert.True(next.Complete);
        Assert.Equal(["two", "four"], (await Mam.QueryAsync(carol, Mam.Field("with", $"{Lobby}/Alice"), to: Lobby)).Bodies);
        Assert.Equal(["three"], (await Mam.QueryAsync(carol, Mam.Field("after-id", ids[1]) + Mam.Field("before-id", ids[3]), to: Lobby)).Bodies);
        Assert.Equal("item-not-found", Exchange.Condition((await Mam.QueryAsync(carol, rsm: "<after>12345</after>", to: Lobby)).Iq));
        Assert.Equal("feature-not-implemented", Exchange.Condition((await Mam.QueryAsync(carol, Mam.Field("nonsense", "x"), to: Lobby)).Iq));

        // The results come from the room, and a user who never entered this open room may read it too.
        var dave = (await UsersAsync(server, "dave"))[0];
        await dave.SendAsync($"<iq type='set' id='dq' to='{Lobby}'><query xmlns='{Namespaces.Mam}' queryid='x'><set xmlns='{Namespaces.Rsm}'><max>1</max></set></query></iq>");
        var result = await dave.ExpectMessageAsync();
        Assert.Equal("result", (await dave.ExpectStanzaAsync("iq")).GetAttribute("type"));
        Assert.Equal(Lobby, result.GetAttribute("from"));
        Assert.Equal("x", result.Child("result", Namespaces.Mam)?.GetAttribute("queryid"));

        var metadata = await carol.AskAsync($"<iq type='get' id='md' to='{Lobby}'><metadata xmlns='{Namespaces.Mam}'/></iq>");
        Assert.Equal(ids[0], metadata.Child("metadata", Namespaces.Mam)!.Child("start", Namespaces.Mam)!.GetAttribute("id"));
        Assert.Equal(ids[3], metadata.Child("metadata", Namespaces.Mam)!.Child("end", Namespaces.Mam)!.GetAttribute("id"));
        var form = await carol.AskAsync($"<iq type='get' id='mf' to='{Lobby}'><query xmlns='{Namespaces.Mam}'/></iq>");
        Assert.NotNull(form.Child("query", Namespaces.Mam)?.Child("x", "jabber:x:data"));

        // The history on entering carries the same ids.
        var history = (await dave.EnterAsync("lobby", "Dave")).Where(e => e.Child("body", Namespaces.Client) is not null);
        Assert.Equal(ids, history.Select(m => Mam.StanzaId(m, Lobby)));
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §4.1.1 (room access)")]
    public async Task Who_may_read_follows_the_rooms_rules_and_archiving_follows_its_configuration_and_ends_with_the_room()
    {
        await using var server = await TestServer.StartAsync();
        var users = await RoomWithAsync(server, "lobby", "alice", "bob", "carol");
        var (alice, bob, carol) = (users[0], users[1], users[2]);

        // Members-only: a non-member may not read, a member may.
        await alice.EnterAsync("club", "Alice");
        await Configure(alice, "club", ("muc#roomconfig_membersonly", "1"));
        await GroupchatAsync(alice, "club", "members only");
        Assert.Equal("forbidden", Exchange.Condition((await Mam.QueryAsync(bob, to: $"club@{Service}")).Iq));
        var grant = await alice.AskAsync($"<iq type='set' id='m' to='club@{Service}'><query xmlns='{Namespaces.MucAdmin}'><item affiliation='member' jid='bob@localhost'/></query></iq>");
        Assert.Equal("result", grant.GetAttribute("type"));
        Assert.Equal(["members only"], (await Mam.QueryAsync(bob, to: $"club@{Service}")).Bodies);

        // Password-protected: only who is in the room (the query carries no password) or a member.
        await alice.EnterAsync("vault", "Alice");
        await Configure(alice, "vault", ("muc#roomconfig_passwordprotectedroom", "1"), ("muc#roomconfig_roomsecret", "pw"));
        Assert.Equal("forbidden", Exchange.Condition((await Mam.QueryAsync(bob, to: $"vault@{Service}")).Iq));
        await bob.EnterAsync("vault", "Bob", "<password>pw</password>");
        Assert.Equal("result", (await Mam.QueryAsync(bob, to: $"vault@{Service}")).Iq.GetAttribute("type"));

        // An outcast may not read.
        var ban = await alice.AskAsync($"<iq type='set' id='b' to='{Lobby}'><query xmlns='{Namespaces.MucAdmin}'><item affiliation='outcast' jid='carol@localhost'/></query></iq>");
        Assert.Equal("result", ban.GetAttribute("type"));
        Assert.Equal("forbidden", Exchange.Condition((await Mam.QueryAsync(carol, to: Lobby)).Iq));

        // Archiving switched off by the owner: no stanza-id, no feature, no archive.
        await alice.EnterAsync("quiet", "Alice");
        var configForm = await alice.AskAsync($"<iq type='get' id='g' to='quiet@{Service}'><query xmlns='{Namespaces.MucOwner}'/></iq>");
        Assert.Contains(configForm.Child("query", Namespaces.MucOwner)!.Child("x", "jabber:x:data")!.Children(),
            f => f.GetAttribute("var") == "muc#roomconfig_enablearchiving" && f.ChildText("value", "jabber:x:data") == "1");
        await Configure(alice, "quiet", ("muc#roomconfig_enablearchiving", "0"));
        Assert.Null(Mam.StanzaId(await GroupchatAsync(alice, "quiet", "unrecorded"), $"quiet@{Service}"));
        Assert.DoesNotContain(Namespaces.Mam, await FeaturesAsync(alice, "quiet"));
        Assert.Equal("service-unavailable", Exchange.Condition((await Mam.QueryAsync(alice, to: $"quiet@{Service}")).Iq));

        // A destroyed room's archive goes with it: the room entered again under its JID starts empty.
        await GroupchatAsync(alice, "club", "before the end");
        var destroy = await alice.AskAsync($"<iq type='set' id='x' to='club@{Service}'><query xmlns='{Namespaces.MucOwner}'><destroy/></query></iq>");
        Assert.Equal("result", destroy.GetAttribute("type"));
        await alice.CreateInstantAsync("club", "Alice");
        Assert.Equal(0, (await Mam.QueryAsync(alice, to: $"club@{Service}")).Count);
    }

    [Fact]
    public async Task Without_the_archive_module_rooms_neither_stamp_nor_offer_archiving()
    {
        await using var server = await TestServer.StartAsync(("Archive:Enabled", "false"));
        var alice = (await RoomWithAsync(server, "lobby", "alice", "bob"))[0];
        Assert.Null(Mam.StanzaId(await GroupchatAsync(alice, "lobby", "hi"), Lobby));
        Assert.DoesNotContain(Namespaces.Mam, await FeaturesAsync(alice, "lobby"));
        var form = await alice.AskAsync($"<iq type='get' id='g' to='{Lobby}'><query xmlns='{Namespaces.MucOwner}'/></iq>");
        Assert.DoesNotContain(form.Child("query", Namespaces.MucOwner)!.Child("x", "jabber:x:data")!.Children(), f => f.GetAttribute("var") == "muc#roomconfig_enablearchiving");
    }
}
