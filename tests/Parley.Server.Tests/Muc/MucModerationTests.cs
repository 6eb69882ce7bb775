using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Muc;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;
using static Parley.Server.Tests.Muc.MucClient;
using static Parley.Server.Tests.Muc.MucRoomTests;

namespace Parley.Server.Tests.Muc;

/// <summary>XEP-0045's moderator, admin and owner use cases (§8–§10), invitations (§7.8, XEP-0249) and the service's limits, over real sockets.</summary>
public sealed class MucModerationTests
{
    /// <summary>Reads until an element the predicate accepts (skipping the room's notices around it).</summary>
    private static async Task<Element> UntilAsync(RawStream client, Func<Element, bool> match)
    {
        while (true)
        {
            var element = await client.ExpectAsync();
            if (match(element))
            {
                return element;
            }
        }
    }

    private static Task<Element> PresenceFromAsync(RawStream client, string room, string nick) =>
        UntilAsync(client, e => e.Name == "presence" && e.GetAttribute("from") == $"{room}@{Service}/{nick}");

    private static Task<Element> AdminAsync(RawStream client, string room, string items) =>
        client.AskAsync($"<iq type='set' id='a{Guid.NewGuid():N}' to='{room}@{Service}'><query xmlns='{Namespaces.MucAdmin}'>{items}</query></iq>");

    /// <summary>The rooms the service would make the real JID leave when its session ends.</summary>
    private static IReadOnlyCollection<string> RoomsOf(TestServer server, string realJid) =>
        server.Services.GetRequiredService<MucComponents>().Services.Single().RoomsOf(Jid.Parse(realJid));

    [Fact]
    [Trait("Conformance", "XEP-0045 §8.2 §8.3 §8.4 §9.1 §10.6")]
    public async Task Voice_kick_and_ban_reach_the_occupants_with_actor_and_reason_and_the_last_owner_stays()
    {
        await using var server = await TestServer.StartAsync();
        var users = await UsersAsync(server, "alice", "bob", "carol");
        var (alice, bob, carol) = (users[0], users[1], users[2]);
        await alice.EnterAsync("court", "Alice");
        await Configure(alice, "court", ("muc#roomconfig_moderatedroom", "1"));

        // §7.2.x: in a moderated room a user without affiliation enters as a visitor, who may not speak (§7.4).
        var self = (await bob.EnterAsync("court", "Bob")).Last(e => e.Name == "presence");
        Assert.Equal("visitor", Item(self)!.GetAttribute("role"));
        await PresenceFromAsync(alice, "court", "Bob");
        await bob.SendAsync($"<message to='court@{Service}' type='groupchat' id='v1'><body>may I?</body></message>");
        Assert.Equal("forbidden", Exchange.Condition(await UntilAsync(bob, e => e.Name == "message" && e.GetAttribute("type") == "error")));

        // §8.3: the moderator grants voice; everyone sees the new role, and the occupant speaks.
        Assert.Equal("result", (await AdminAsync(alice, "court", "<item nick='Bob' role='participant'/>")).GetAttribute("type"));
        Assert.Equal("participant", Item(await PresenceFromAsync(bob, "court", "Bob"))!.GetAttribute("role"));
        Assert.Equal("participant", Item(await PresenceFromAsync(alice, "court", "Bob"))!.GetAttribute("role"));
        await bob.SendAsync($"<message to='court@{Service}' type='groupchat'><body>thank you</body></message>");
        Assert.Equal("thank you", (await UntilAsync(alice, e => e.Name == "message" && e.ChildText("body", Namespaces.Client) is not null)).ChildText("body", Namespaces.Client));

        // §8.2: a kick sends the occupant away with 307, the actor and the reason, and everyone hears it.
        Assert.Equal("result", (await AdminAsync(alice, "court", "<item nick='Bob' role='none'><reason>Be quiet</reason></item>")).GetAttribute("type"));
        var kicked = await PresenceFromAsync(bob, "court", "Bob");
        Assert.Equal("unavailable", kicked.GetAttribute("type"));
        Assert.Contains("307", Codes(kicked));
        Assert.Contains("110", Codes(kicked));
        Assert.Equal("Alice", Item(kicked)!.Child("actor", Namespaces.MucUser)!.GetAttribute("nick"));
        Assert.Equal("Be quiet", Item(kicked)!.ChildText("reason", Namespaces.MucUser));
        Assert.Contains("307", Codes(await PresenceFromAsync(alice, "court", "Bob")));
        // The service no longer counts the kicked occupant in the room (it would make it leave again at its session's end).
        Assert.Empty(RoomsOf(server, "bob@localhost/r"));

        // §9.1: a ban removes the occupant with 301 and keeps it out.
        await carol.EnterAsync("court", "Carol");
        await PresenceFromAsync(alice, "court", "Carol");
        Assert.Equal("result", (await AdminAsync(alice, "court", "<item jid='carol@localhost' affiliation='outcast'><reason>Spam</reason></item>")).GetAttribute("type"));
        var banned = await PresenceFromAsync(carol, "court", "Carol");
        Assert.Equal("unavailable", banned.GetAttribute("type"));
        Assert.Contains("301", Codes(banned));
        Assert.Equal("Spam", Item(banned)!.ChildText("reason", Namespaces.MucUser));
        Assert.Contains("301", Codes(await PresenceFromAsync(alice, "court", "Carol")));
        Assert.Empty(RoomsOf(server, "carol@localhost/r"));
        Assert.Equal("forbidden", await carol.EnterRefusedAsync("court", "Carol"));
        var outcasts = await alice.AskAsync($"<iq type='get' id='l' to='court@{Service}'><query xmlns='{Namespaces.MucAdmin}'><item affiliation='outcast'/></query></iq>");
        Assert.Equal("carol@localhost", Assert.Single(outcasts.Child("query", Namespaces.MucAdmin)!.Children("item", Namespaces.MucAdmin)).GetAttribute("jid"));

        // §8.2: an owner cannot be kicked; §10.6: the last owner cannot give up ownership.
        Assert.Equal("not-allowed", Exchange.Condition(await AdminAsync(alice, "court", "<item nick='Alice' role='none'/>")));
        Assert.Equal("conflict", Exchange.Condition(await AdminAsync(alice, "court", "<item jid='alice@localhost' affiliation='member'/>")));
        Assert.Equal(["court"], RoomsOf(server, "alice@localhost/r"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0045 §10.9")]
    public async Task Destroying_a_room_sends_everyone_away_with_the_alternate_venue_reason_and_password()
    {
        await using var server = await TestServer.StartAsync();
        var users = await UsersAsync(server, "alice", "bob");
        var (alice, bob) = (users[0], users[1]);
        await alice.CreateInstantAsync("old", "Alice");
        await bob.EnterAsync("old", "Bob");
        await PresenceFromAsync(alice, "old", "Bob");

        // Only an owner destroys.
        Assert.Equal("forbidden", Exchange.Condition(await bob.AskAsync($"<iq type='set' id='d0' to='old@{Service}'><query xmlns='{Namespaces.MucOwner}'><destroy/></query></iq>")));

        var result = await alice.AskAsync($"<iq type='set' id='d1' to='old@{Service}'><query xmlns='{Namespaces.MucOwner}'><destroy jid='new@{Service}'><reason>Moved</reason><password>pw</password></destroy></query></iq>");
        Assert.Equal("result", result.GetAttribute("type"));
        var gone = await PresenceFromAsync(bob, "old", "Bob");
        Assert.Equal("unavailable", gone.GetAttribute("type"));
        var destroy = gone.Child("x", Namespaces.MucUser)!.Child("destroy", Namespaces.MucUser)!;
        Assert.Equal($"new@{Service}", destroy.GetAttribute("jid"));
        Assert.Equal("Moved", destroy.ChildText("reason", Namespaces.MucUser));
        Assert.Equal("pw", destroy.ChildText("password", Namespaces.MucUser));
        Assert.Equal("unavailable", (await PresenceFromAsync(alice, "old", "Alice")).GetAttribute("type"));
        Assert.Empty(RoomsOf(server, "bob@localhost/r"));
        Assert.Empty(RoomsOf(server, "alice@localhost/r"));

        // The room is gone: entering it again creates a new one.
        var again = (await bob.EnterAsync("old", "Bob")).First(e => e.Name == "presence");
        Assert.Contains("201", Codes(again));
    }

    [Fact]
    [Trait("Conformance", "XEP-0045 §7.8.2 §7.8.3")]
    [Trait("Conformance", "XEP-0249 §2")]
    public async Task Mediated_invitations_make_members_and_declines_reach_the_inviter_and_direct_invitations_pass_through()
    {
        await using var server = await TestServer.StartAsync();
        var users = await UsersAsync(server, "alice", "bob", "carol");
        var (alice, bob, carol) = (users[0], users[1], users[2]);
        await alice.EnterAsync("club", "Alice");
        await Configure(alice, "club", ("muc#roomconfig_membersonly", "1"));
        Assert.Equal("registration-required", await bob.EnterRefusedAsync("club", "Bob"));

        // §7.8.2: the room forwards the invitation; in a members-only room the invitee becomes a member.
        await alice.SendAsync($"<message to='club@{Service}'><x xmlns='{Namespaces.MucUser}'><invite to='bob@localhost/r'><reason>Join us</reason></invite></x></message>");
        var invitation = await bob.ExpectMessageAsync();
        Assert.Equal($"club@{Service}", invitation.GetAttribute("from"));
        var invite = invitation.Child("x", Namespaces.MucUser)!.Child("invite", Namespaces.MucUser)!;
        Assert.Equal("alice@localhost/r", invite.GetAttribute("from"));
        Assert.Equal("Join us", invite.ChildText("reason", Namespaces.MucUser));
        var self = (await bob.EnterAsync("club", "Bob")).Last(e => e.Name == "presence");
        Assert.Equal("member", Item(self)!.GetAttribute("affiliation"));
        await PresenceFromAsync(alice, "club", "Bob");

        // §7.8.3: a decline goes back to the inviter through the room.
        await alice.SendAsync($"<message to='club@{Service}'><x xmlns='{Namespaces.MucUser}'><invite to='carol@localhost/r'/></x></message>");
        await carol.ExpectMessageAsync();
        await carol.SendAsync($"<message to='club@{Service}'><x xmlns='{Namespaces.MucUser}'><decline to='alice@localhost/r'><reason>Busy</reason></decline></x></message>");
        var declined = await UntilAsync(alice, e => e.Name == "message" && e.Child("x", Namespaces.MucUser)?.Child("decline", Namespaces.MucUser) is not null);
        var decline = declined.Child("x", Namespaces.MucUser)!.Child("decline", Namespaces.MucUser)!;
        Assert.Equal("carol@localhost", decline.GetAttribute("from"));
        Assert.Equal("Busy", decline.ChildText("reason", Namespaces.MucUser));

        // A non-occupant may not invite through the room.
        await carol.SendAsync($"<message to='club@{Service}' id='i2'><x xmlns='{Namespaces.MucUser}'><invite to='bob@localhost/r'/></x></message>");
        Assert.Equal("not-acceptable", Exchange.Condition(await carol.ExpectMessageAsync()));

        // XEP-0249: a direct invitation is an ordinary message between users, delivered as sent.
        await alice.SendAsync($"<message to='carol@localhost/r' id='direct'><x xmlns='jabber:x:conference' jid='club@{Service}' reason='Come along'/></message>");
        var direct = await carol.ExpectMessageAsync();
        var conference = direct.Child("x", "jabber:x:conference")!;
        Assert.Equal(($"club@{Service}", "Come along", "alice@localhost/r"), (conference.GetAttribute("jid"), conference.GetAttribute("reason"), direct.GetAttribute("from")));
    }

    [Fact]
    [Trait("Conformance", "XEP-0045 §10.2 §10.1.3")]
    public async Task Configuration_forms_refuse_unknown_fields_and_bad_values_and_a_persistent_room_survives_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "parley-muc-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var server = await TestServer.StartAsync(("DataDirectory", data)))
            {
                var users = await UsersAsync(server, "alice", "bob");
                var alice = users[0];
                await alice.EnterAsync("keep", "Alice");
                string Submit(string fields) =>
                    $"<iq type='set' id='f{Guid.NewGuid():N}' to='keep@{Service}'><query xmlns='{Namespaces.MucOwner}'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>{Namespaces.MucRoomConfig}</value></field>{fields}</x></query></iq>";
                Assert.Equal("not-acceptable", Exchange.Condition(await alice.AskAsync(Submit("<field var='muc#roomconfig_colour'><value>red</value></field>"))));
                Assert.Equal("bad-request", Exchange.Condition(await alice.AskAsync(Submit("<field var='muc#roomconfig_maxusers'><value>many</value></field>"))));
                Assert.Equal("bad-request", Exchange.Condition(await alice.AskAsync(Submit("<field var='muc#roomconfig_persistentroom'><value>perhaps</value></field>"))));
                await Configure(alice, "keep", ("muc#roomconfig_persistentroom", "1"), ("muc#roomconfig_membersonly", "1"), ("muc#roomconfig_roomname", "Kept"));
                Assert.Equal("result", (await AdminAsync(alice, "keep", "<item jid='bob@localhost' affiliation='member'/>")).GetAttribute("type"));
            }

            await using (var server = await TestServer.StartAsync(("DataDirectory", data)))
            {
                // The accounts and the room come back from the data folder: its configuration and affiliations too.
                var alice = await RawStream.ConnectAsync(server.C2s);
                await alice.LoginAsync("alice", "secret", "r");
                var bob = await RawStream.ConnectAsync(server.C2s);
                await bob.LoginAsync("bob", "secret", "r");
                var self = (await alice.EnterAsync("keep", "Alice")).Last(e => e.Name == "presence");
                Assert.Equal("owner", Item(self)!.GetAttribute("affiliation"));
                Assert.DoesNotContain("201", Codes(self));
                var member = (await bob.EnterAsync("keep", "Bob")).Last(e => e.Name == "presence");
                Assert.Equal("member", Item(member)!.GetAttribute("affiliation"));
                var info = await bob.AskAsync($"<iq type='get' id='i' to='keep@{Service}'><query xmlns='{Namespaces.DiscoInfo}'/></iq>");
                var features = info.Child("query", Namespaces.DiscoInfo)!.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var")).ToList();
                Assert.Contains("muc_persistent", features);
                Assert.Contains("muc_membersonly", features);
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0045 §7.9 §10.1")]
    public async Task Message_rate_rooms_per_owner_and_who_may_create_are_limited_and_the_room_keeps_serving()
    {
        await using (var server = await TestServer.StartAsync(("Muc:MessagesPerSecond", "1"), ("Muc:MessageBurst", "2"), ("Muc:MaxRoomsPerOwner", "1")))
        {
            var users = await UsersAsync(server, "alice", "bob");
            var (alice, bob) = (users[0], users[1]);
            await alice.CreateInstantAsync("busy", "Alice");
            await bob.EnterAsync("busy", "Bob");
            await PresenceFromAsync(alice, "busy", "Bob");
            for (var i = 0; i < 3; i++)
            {
                await bob.SendAsync($"<message to='busy@{Service}' type='groupchat' id='r{i}'><body>{i}</body></message>");
            }

            // The burst of 2 passes; the third is refused with resource-constraint, and the room goes on.
            var error = await UntilAsync(bob, e => e.Name == "message" && e.GetAttribute("type") == "error");
            Assert.Equal(("r2", "resource-constraint"), (error.GetAttribute("id"), Exchange.Condition(error)));
            await alice.SendAsync($"<message to='busy@{Service}' type='groupchat'><body>fine</body></message>");
            Assert.Equal("fine", (await UntilAsync(bob, e => e.ChildText("body", Namespaces.Client) == "fine")).ChildText("body", Namespaces.Client));

            // Muc:MaxRoomsPerOwner = 1: alice's second room is a policy violation.
            await alice.SendAsync($"<presence to='second@{Service}/Alice'><x xmlns='{Namespaces.Muc}'/></presence>");
            var refused = await UntilAsync(alice, e => e.Name == "presence" && e.GetAttribute("type") == "error");
            Assert.Equal("policy-violation", Exchange.Condition(refused));
        }

        await using (var server = await TestServer.StartAsync(("Muc:CreateRooms", "admins"), ("Muc:Admins:0", "alice@localhost")))
        {
            var users = await UsersAsync(server, "alice", "bob");
            var (alice, bob) = (users[0], users[1]);
            Assert.Equal("not-allowed", await bob.EnterRefusedAsync("mine", "Bob"));
            await alice.CreateInstantAsync("theirs", "Alice");
            await bob.EnterAsync("theirs", "Bob");
        }
    }
}
