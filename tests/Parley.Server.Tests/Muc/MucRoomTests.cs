using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using static Parley.Server.Tests.Muc.MucClient;

namespace Parley.Server.Tests.Muc;

/// <summary>XEP-0045's occupant use cases (§7), one conversation each over real sockets.</summary>
public sealed class MucRoomTests
{
    [Fact]
    public async Task Creating_a_room_by_entering_gives_201_and_110_and_the_room_stays_locked_until_configured()
    {
        await using var server = await TestServer.StartAsync();
        var users = await UsersAsync(server, "alice", "bob");
        var (alice, bob) = (users[0], users[1]);

        var read = await alice.EnterAsync("lobby", "Alice");
        var self = read.Single(e => e.Name == "presence");
        Assert.Equal("lobby@conference.localhost/Alice", self.GetAttribute("from"));
        Assert.Equal(["201", "110"], Codes(self));
        Assert.Equal("owner", Item(self)!.GetAttribute("affiliation"));
        Assert.Equal("moderator", Item(self)!.GetAttribute("role"));
        Assert.NotNull(self.Child("occupant-id", Namespaces.OccupantId)?.GetAttribute("id"));

        // §10.1.1: locked for everyone else until the owner configures it.
        Assert.Equal("item-not-found", await bob.EnterRefusedAsync("lobby", "Bob"));

        var result = await alice.AskAsync($"<iq type='set' id='c1' to='lobby@{Service}'><query xmlns='{Namespaces.MucOwner}'><x xmlns='jabber:x:data' type='submit'/></query></iq>");
        Assert.Equal("result", result.GetAttribute("type"));

        var bobRead = await bob.EnterAsync("lobby", "Bob");
        var presences = bobRead.Where(e => e.Name == "presence").ToList();
        Assert.Equal(2, presences.Count);
        Assert.Equal("lobby@conference.localhost/Alice", presences[0].GetAttribute("from"));
        Assert.Null(Item(presences[0])!.GetAttribute("jid"));
        Assert.Equal(["110"], Codes(presences[1]));

        var joined = await alice.ExpectPresenceAsync();
        Assert.Equal("lobby@conference.localhost/Bob", joined.GetAttribute("from"));
        Assert.Equal("bob@localhost/r", Item(joined)!.GetAttribute("jid"));
    }

    [Fact]
    public async Task Groupchat_reaches_every_occupant_with_the_senders_occupant_id_and_a_claimed_id_is_replaced()
    {
        await using var server = await TestServer.StartAsync();
        var users = await RoomWithAsync(server, "lobby", "alice", "bob");
        var (alice, bob) = (users[0], users[1]);

        await bob.SendAsync($"<message to='lobby@{Service}' type='groupchat' id='m1'><body>hello</body><occupant-id xmlns='{Namespaces.OccupantId}' id='forged'/></message>");
        var atAlice = await alice.ExpectMessageAsync();
        var atBob = await bob.ExpectMessageAsync();
        foreach (var message in new[] { atAlice, atBob })
        {
            Assert.Equal("lobby@conference.localhost/Bob", message.GetAttribute("from"));
            Assert.Equal("groupchat", message.GetAttribute("type"));
            Assert.Equal("hello", message.ChildText("body", Namespaces.Client));
            Assert.Single(message.Children("occupant-id", Namespaces.OccupantId));
            Assert.NotEqual("forged", message.Child("occupant-id", Namespaces.OccupantId)!.GetAttribute("id"));
        }

        Assert.Equal("m1", atBob.GetAttribute("id"));
    }

    [Fact]
    public async Task Bad_joins_get_their_conditions_and_the_room_keeps_serving()
    {
        await using var server = await TestServer.StartAsync(("Muc:MaxOccupantsPerRoom", "2"));
        var users = await UsersAsync(server, "alice", "bob", "carol");
        var (alice, bob, carol) = (users[0], users[1], users[2]);
        await alice.CreateInstantAsync("lobby", "Alice");

        // §7.2.1: no nickname.
        await bob.SendAsync($"<presence to='lobby@{Service}'><x xmlns='{Namespaces.Muc}'/></presence>");
        Assert.Equal("jid-malformed", Exchange.Condition(await bob.ExpectPresenceAsync()));

        // §7.2.9: nickname in use.
        Assert.Equal("conflict", await bob.EnterRefusedAsync("lobby", "Alice"));

        // §7.4: groupchat from someone who is not in the room.
        await bob.SendAsync($"<message to='lobby@{Service}' type='groupchat' id='x'><body>hi</body></message>");
        Assert.Equal("not-acceptable", Exchange.Condition(await bob.ExpectMessageAsync()));

        // §7.2.10: the room is full (Muc:MaxOccupantsPerRoom = 2).
        await bob.EnterAsync("lobby", "Bob");
        await alice.ExpectPresenceAsync();
        Assert.Equal("service-unavailable", await carol.EnterRefusedAsync("lobby", "Carol"));

        await alice.SendAsync($"<message to='lobby@{Service}' type='groupchat'><body>still here</body></message>");
        Assert.Equal("still here", (await bob.ExpectMessageAsync()).ChildText("body", Namespaces.Client));
    }

    [Fact]
    public async Task Password_members_only_and_ban_refuse_with_their_conditions()
    {
        await using var server = await TestServer.StartAsync();
        var users = await UsersAsync(server, "alice", "bob");
        var (alice, bob) = (users[0], users[1]);
        await alice.EnterAsync("secret", "Alice");
        await Configure(alice, "secret", ("muc#roomconfig_passwordprotectedroom", "1"), ("muc#roomconfig_roomsecret", "pw"));
        Assert.Equal("not-authorized", await bob.EnterRefusedAsync("secret", "Bob"));
        Assert.Equal("not-authorized", await bob.EnterRefusedAsync("secret", "Bob", "<password>wrong</password>"));
        await bob.EnterAsync("secret", "Bob", "<password>pw</password>");

        await alice.EnterAsync("club", "Alice");
        await Configure(alice, "club", ("muc#roomconfig_membersonly", "1"));
        Assert.Equal("registration-required", await bob.EnterRefusedAsync("club", "Bob"));

        await alice.EnterAsync("banned", "Alice");
        await Configure(alice, "banned");
        var ban = await alice.AskAsync($"<iq type='set' id='b' to='banned@{Service}'><query xmlns='{Namespaces.MucAdmin}'><item affiliation='outcast' jid='bob@localhost'/></query></iq>");
        Assert.Equal("result", ban.GetAttribute("type"));
        Assert.Equal("forbidden", await bob.EnterRefusedAsync("banned", "Bob"));
    }

    [Fact]
    public async Task Nick_change_private_message_subject_and_history()
    {
        await using var server = await TestServer.StartAsync();
        var users = await RoomWithAsync(server, "lobby", "alice", "bob");
        var (alice, bob) = (users[0], users[1]);
        var carol = (await UsersAsync(server, "carol"))[0];

        // §7.6: 303 with the new nick, then available from it.
        await bob.SendAsync($"<presence to='lobby@{Service}/Robert'/>");
        var gone = await alice.ExpectPresenceAsync();
        Assert.Equal("unavailable", gone.GetAttribute("type"));
        Assert.Equal(["303"], Codes(gone));
        Assert.Equal("Robert", Item(gone)!.GetAttribute("nick"));
        Assert.Equal("lobby@conference.localhost/Robert", (await alice.ExpectPresenceAsync()).GetAttribute("from"));
        Assert.Equal(["303", "110"], Codes(await bob.ExpectPresenceAsync()));
        await bob.ExpectPresenceAsync();

        // §7.5: a private message from the occupant JID, marked.
        await bob.SendAsync($"<message to='lobby@{Service}/Alice' type='chat'><body>psst</body></message>");
        var pm = await alice.ExpectMessageAsync();
        Assert.Equal("lobby@conference.localhost/Robert", pm.GetAttribute("from"));
        Assert.NotNull(pm.Child("x", Namespaces.MucUser));
        await bob.SendAsync($"<message to='lobby@{Service}/Nobody' type='chat'><body>?</body></message>");
        Assert.Equal("item-not-found", Exchange.Condition(await bob.ExpectMessageAsync()));

        // §8.1: participants may not change the subject by default; moderators may.
        await bob.SendAsync($"<message to='lobby@{Service}' type='groupchat'><subject>mine</subject></message>");
        Assert.Equal("forbidden", Exchange.Condition(await bob.ExpectMessageAsync()));
        await alice.SendAsync($"<message to='lobby@{Service}' type='groupchat'><subject>Plans</subject></message>");
        Assert.Equal("Plans", (await bob.ExpectMessageAsync()).ChildText("subject", Namespaces.Client));
        await alice.ExpectMessageAsync();

        for (var i = 1; i <= 3; i++)
        {
            await alice.SendAsync($"<message to='lobby@{Service}' type='groupchat'><body>line {i}</body></message>");
            await alice.ExpectMessageAsync();
            await bob.ExpectMessageAsync();
        }

        // §7.2.14: the last two messages with delays, then the subject.
        var read = await carol.EnterAsync("lobby", "Carol", "<history maxstanzas='2'/>");
        var history = read.Where(e => e.Name == "message" && e.Child("body", Namespaces.Client) is not null).ToList();
        Assert.Equal(["line 2", "line 3"], history.Select(m => m.ChildText("body", Namespaces.Client)));
        Assert.All(history, m => Assert.Equal("lobby@conference.localhost", m.Child("delay", Namespaces.Delay)!.GetAttribute("from")));
        Assert.Equal("Plans", read[^1].ChildText("subject", Namespaces.Client));
        var none = await (await UsersAsync(server, "dave"))[0].EnterAsync("lobby", "Dave", "<history maxchars='0'/>");
        Assert.DoesNotContain(none, e => e.Child("body", Namespaces.Client) is not null);
    }

    [Fact]
    public async Task Leaving_and_a_dropped_session_send_unavailable_and_temporary_rooms_end_when_empty()
    {
        await using var server = await TestServer.StartAsync();
        var users = await RoomWithAsync(server, "lobby", "alice", "bob");
        var (alice, bob) = (users[0], users[1]);

        await bob.SendAsync($"<presence to='lobby@{Service}/Bob' type='unavailable'><status>bye</status></presence>");
        var left = await alice.ExpectPresenceAsync();
        Assert.Equal("unavailable", left.GetAttribute("type"));
        Assert.Equal("bye", left.ChildText("status", Namespaces.Client));
        Assert.Equal(["110"], Codes(await bob.ExpectPresenceAsync()));

        await bob.EnterAsync("lobby", "Bob");
        await alice.ExpectPresenceAsync();
        await bob.DisposeAsync();
        var dropped = await alice.ExpectPresenceAsync();
        Assert.Equal("lobby@conference.localhost/Bob", dropped.GetAttribute("from"));
        Assert.Equal("unavailable", dropped.GetAttribute("type"));

        await alice.SendAsync($"<presence to='lobby@{Service}/Alice' type='unavailable'/>");
        await alice.ExpectPresenceAsync();
        var items = await alice.AskAsync($"<iq type='get' id='i' to='{Service}'><query xmlns='{Namespaces.DiscoItems}'/></iq>");
        Assert.Empty(items.Child("query", Namespaces.DiscoItems)!.Children());
    }

    [Fact]
    public async Task Self_ping_is_answered_for_the_occupant_and_not_for_others()
    {
        await using var server = await TestServer.StartAsync();
        var users = await UsersAsync(server, "alice", "bob");
        var (alice, bob) = (users[0], users[1]);
        await alice.CreateInstantAsync("lobby", "Alice");

        var pong = await alice.AskAsync($"<iq type='get' id='p' to='lobby@{Service}/Alice'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("result", pong.GetAttribute("type"));
        var refused = await bob.AskAsync($"<iq type='get' id='p' to='lobby@{Service}/Alice'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("not-acceptable", Exchange.Condition(refused));
    }

    [Fact]
    public async Task Disco_lists_public_rooms_and_describes_a_room_with_its_info_form()
    {
        await using var server = await TestServer.StartAsync();
        var alice = (await UsersAsync(server, "alice"))[0];
        await alice.EnterAsync("lobby", "Alice");
        await Configure(alice, "lobby", ("muc#roomconfig_roomname", "The Lobby"), ("muc#roomconfig_roomdesc", "Talk"), ("muc#roomconfig_moderatedroom", "1"));
        await alice.EnterAsync("hidden", "Alice");
        await Configure(alice, "hidden", ("muc#roomconfig_publicroom", "0"));

        var service = await alice.AskAsync($"<iq type='get' id='s' to='{Service}'><query xmlns='{Namespaces.DiscoInfo}'/></iq>");
        var query = service.Child("query", Namespaces.DiscoInfo)!;
        Assert.Equal("conference", query.Child("identity", Namespaces.DiscoInfo)!.GetAttribute("category"));
        Assert.Contains(query.Children("feature", Namespaces.DiscoInfo), f => f.GetAttribute("var") == Namespaces.Muc);

        var items = await alice.AskAsync($"<iq type='get' id='i' to='{Service}'><query xmlns='{Namespaces.DiscoItems}'/></iq>");
        var item = Assert.Single(items.Child("query", Namespaces.DiscoItems)!.Children());
        Assert.Equal("lobby@conference.localhost", item.GetAttribute("jid"));
        Assert.Equal("The Lobby", item.GetAttribute("name"));

        var info = (await alice.AskAsync($"<iq type='get' id='r' to='lobby@{Service}'><query xmlns='{Namespaces.DiscoInfo}'/></iq>")).Child("query", Namespaces.DiscoInfo)!;
        var features = info.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var")).ToList();
        Assert.Contains("muc_moderated", features);
        Assert.Contains("muc_public", features);
        Assert.Contains("muc_temporary", features);
        Assert.Contains(Namespaces.OccupantId, features);
        var form = info.Child("x", "jabber:x:data")!;
        Assert.Contains(form.Children(), f => f.GetAttribute("var") == "muc#roominfo_description" && f.ChildText("value", "jabber:x:data") == "Talk");
    }

    [Fact]
    [Trait("Conformance", "XEP-0045 §7.2 (multi-session nick)")]
    public async Task A_second_resource_joins_under_the_same_nick_receives_everything_and_leaves_alone()
    {
        await using var server = await TestServer.StartAsync();
        var users = await RoomWithAsync(server, "lobby", "alice", "bob");
        var (alice, bob) = (users[0], users[1]);
        await using var phone = await RawStream.ConnectAsync(server.C2s);
        await phone.LoginAsync("alice", "secret", "phone");

        // The second session gets the occupants and its own presence (110), the others see no change.
        var read = await phone.EnterAsync("lobby", "Alice");
        var presences = read.Where(e => e.Name == "presence").ToList();
        Assert.Equal(["lobby@conference.localhost/Bob", "lobby@conference.localhost/Alice"], presences.Select(p => p.GetAttribute("from")));
        Assert.Contains("110", Codes(presences[^1]));
        Assert.Equal("alice@localhost/phone", presences[^1].GetAttribute("to"));
        await bob.ExpectNothingPendingAsync();
        await alice.ExpectNothingPendingAsync();

        // Groupchat and private messages reach both sessions.
        await bob.SendAsync($"<message to='lobby@{Service}' type='groupchat'><body>to all</body></message>");
        await bob.SendAsync($"<message to='lobby@{Service}/Alice' type='chat'><body>to you</body></message>");
        foreach (var session in new[] { alice, phone })
        {
            Assert.Equal("to all", (await session.ExpectMessageAsync()).ChildText("body", Namespaces.Client));
            Assert.Equal("to you", (await session.ExpectMessageAsync()).ChildText("body", Namespaces.Client));
        }

        Assert.Equal("to all", (await bob.ExpectMessageAsync()).ChildText("body", Namespaces.Client));

        // Another user may not take the nick, and one session cannot rename the others.
        var carol = (await UsersAsync(server, "carol"))[0];
        Assert.Equal("conflict", await carol.EnterRefusedAsync("lobby", "Alice"));
        await phone.SendAsync($"<presence to='lobby@{Service}/Alicia'/>");
        Assert.Equal("not-acceptable", Exchange.Condition(await phone.ExpectPresenceAsync()));

        // One session leaves: it alone hears so; the occupant stays in the room for the other.
        await phone.SendAsync($"<presence to='lobby@{Service}/Alice' type='unavailable'/>");
        var left = await phone.ExpectPresenceAsync();
        Assert.Equal("unavailable", left.GetAttribute("type"));
        Assert.Equal(["110"], Codes(left));
        await bob.SendAsync($"<message to='lobby@{Service}' type='groupchat'><body>still there?</body></message>");
        Assert.Equal("still there?", (await alice.ExpectMessageAsync()).ChildText("body", Namespaces.Client));
        await bob.ExpectMessageAsync();
        await phone.ExpectNothingPendingAsync();
        await bob.ExpectNothingPendingAsync();
    }

    [Fact]
    [Trait("Conformance", "XEP-0045 §7.5 (IQ to an occupant)")]
    [Trait("Conformance", "XEP-0410 §3")]
    public async Task Iqs_to_an_occupant_are_forwarded_and_answered_through_the_room_without_real_jids()
    {
        await using var server = await TestServer.StartAsync();
        var users = await RoomWithAsync(server, "lobby", "alice", "bob");
        var (alice, bob) = (users[0], users[1]);

        await bob.SendAsync($"<iq type='get' id='v1' to='lobby@{Service}/Alice'><query xmlns='jabber:iq:version'/></iq>");
        var asked = await alice.ExpectStanzaAsync("iq");
        Assert.Equal(("lobby@conference.localhost/Bob", "alice@localhost/r", "v1"), (asked.GetAttribute("from"), asked.GetAttribute("to"), asked.GetAttribute("id")));
        Assert.NotNull(asked.Child("query", "jabber:iq:version"));
        await alice.SendAsync($"<iq type='result' id='v1' to='lobby@{Service}/Bob'><query xmlns='jabber:iq:version'><name>Alice's client</name></query></iq>");
        var answer = await bob.ExpectStanzaAsync("iq");
        Assert.Equal(("lobby@conference.localhost/Alice", "result", "v1"), (answer.GetAttribute("from"), answer.GetAttribute("type"), answer.GetAttribute("id")));
        Assert.Equal("Alice's client", answer.Child("query", "jabber:iq:version")?.ChildText("name", "jabber:iq:version"));

        // XEP-0410: a ping to another occupant is that occupant's to answer; errors come back the same way.
        await bob.SendAsync($"<iq type='get' id='p1' to='lobby@{Service}/Alice'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.NotNull((await alice.ExpectStanzaAsync("iq")).Child("ping", "urn:xmpp:ping"));
        await alice.SendAsync($"<iq type='error' id='p1' to='lobby@{Service}/Bob'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
        Assert.Equal("service-unavailable", Exchange.Condition(await bob.ExpectStanzaAsync("iq")));

        // From outside the room not-acceptable; to a nick no one holds item-not-found.
        var carol = (await UsersAsync(server, "carol"))[0];
        Assert.Equal("not-acceptable", Exchange.Condition(await carol.AskAsync($"<iq type='get' id='c' to='lobby@{Service}/Alice'><query xmlns='jabber:iq:version'/></iq>")));
        Assert.Equal("item-not-found", Exchange.Condition(await bob.AskAsync($"<iq type='get' id='n' to='lobby@{Service}/Nobody'><query xmlns='jabber:iq:version'/></iq>")));
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    [Trait("Conformance", "XEP-0045 §7.10 §7.12")]
    public async Task Registering_reserves_a_nick_makes_a_member_and_others_cannot_take_it()
    {
        await using var server = await TestServer.StartAsync();
        var users = await RoomWithAsync(server, "lobby", "alice", "bob");
        var (alice, bob) = (users[0], users[1]);
        var more = await UsersAsync(server, "carol", "dave");
        var (carol, dave) = (more[0], more[1]);
        const string Register = "jabber:iq:register";

        var form = (await carol.AskAsync($"<iq type='get' id='r1' to='lobby@{Service}'><query xmlns='{Register}'/></iq>")).Child("query", Register)!;
        Assert.Contains(form.Child("x", "jabber:x:data")!.Children(), f => f.GetAttribute("var") == "muc#register_roomnick");
        string Submit(string nick) =>
            $"<iq type='set' id='r2' to='lobby@{Service}'><query xmlns='{Register}'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#register</value></field><field var='muc#register_roomnick'><value>{nick}</value></field></x></query></iq>";
        Assert.Equal("result", (await carol.AskAsync(Submit("Caro"))).GetAttribute("type"));

        // §7.10.1: asked again, the room says the user is registered, and under which nick (§7.12 too).
        var registered = (await carol.AskAsync($"<iq type='get' id='r3' to='lobby@{Service}'><query xmlns='{Register}'/></iq>")).Child("query", Register)!;
        Assert.NotNull(registered.Child("registered", Register));
        Assert.Equal("Caro", registered.ChildText("username", Register));
        var reserved = await carol.AskAsync($"<iq type='get' id='r4' to='lobby@{Service}'><query xmlns='{Namespaces.DiscoInfo}' node='x-roomuser-item'/></iq>");
        Assert.Equal("Caro", reserved.Child("query", Namespaces.DiscoInfo)!.Child("identity", Namespaces.DiscoInfo)!.GetAttribute("name"));

        // The registered user is a member.
        var members = await alice.AskAsync($"<iq type='get' id='m' to='lobby@{Service}'><query xmlns='{Namespaces.MucAdmin}'><item affiliation='member'/></query></iq>");
        Assert.Contains(members.Child("query", Namespaces.MucAdmin)!.Children(), i => i.GetAttribute("jid") == "carol@localhost");

        // Nobody else enters under it or registers it, nor a nick in use (§7.10.3); its owner enters under it.
        Assert.Equal("conflict", await dave.EnterRefusedAsync("lobby", "Caro"));
        Assert.Equal("conflict", Exchange.Condition(await dave.AskAsync(Submit("Caro"))));
        Assert.Equal("conflict", Exchange.Condition(await dave.AskAsync(Submit("Bob"))));
        await carol.EnterAsync("lobby", "Caro");

        // XEP-0077 <remove/>: the reservation and the membership go.
        Assert.Equal("result", (await carol.AskAsync($"<iq type='set' id='r5' to='lobby@{Service}'><query xmlns='{Register}'><remove/></query></iq>")).GetAttribute("type"));
        members = await alice.AskAsync($"<iq type='get' id='m2' to='lobby@{Service}'><query xmlns='{Namespaces.MucAdmin}'><item affiliation='member'/></query></iq>");
        Assert.DoesNotContain(members.Child("query", Namespaces.MucAdmin)!.Children(), i => i.GetAttribute("jid") == "carol@localhost");
        Assert.Equal("member", Item(await bob.ExpectPresenceAsync())!.GetAttribute("affiliation"));
        Assert.Equal("none", Item(await bob.ExpectPresenceAsync())!.GetAttribute("affiliation"));
    }

    internal static async Task Configure(RawStream owner, string room, params (string Var, string Value)[] fields)
    {
        var form = await owner.AskAsync($"<iq type='get' id='g' to='{room}@{Service}'><query xmlns='{Namespaces.MucOwner}'/></iq>");
        Assert.NotNull(form.Child("query", Namespaces.MucOwner)?.Child("x", "jabber:x:data"));
        var values = string.Concat(fields.Select(f => $"<field var='{f.Var}'><value>{f.Value}</value></field>"));
        var result = await owner.AskAsync($"<iq type='set' id='s' to='{room}@{Service}'><query xmlns='{Namespaces.MucOwner}'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>{Namespaces.MucRoomConfig}</value></field>{values}</x></query></iq>");
        Assert.Equal("result", result.GetAttribute("type"));
    }
}
