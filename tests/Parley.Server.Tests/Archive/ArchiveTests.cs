using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Archive;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using static Parley.Server.Tests.Archive.Mam;
using static Parley.Server.Tests.Messages.Chat;

namespace Parley.Server.Tests.Archive;

/// <summary>XEP-0313 archive, XEP-0059 paging and XEP-0359 stanza ids over real sockets.</summary>
public sealed class ArchiveTests
{
    private static async Task<TestServer> ServerAsync(params (string Key, string Value)[] settings)
    {
        var server = await TestServer.StartAsync(settings);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return server;
    }

    /// <summary>Juliet sends the bodies to Romeo, who is online, and each arrives.</summary>
    private static async Task<List<Xmpp.Xml.Element>> ExchangeAsync(RawStream juliet, RawStream romeo, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await juliet.SendAsync($"<message to='romeo@localhost' type='chat' id='{body}'><body>{body}</body></message>");
        }

        Assert.Empty(await MessagesUntilPongAsync(juliet));
        var received = await MessagesUntilPongAsync(romeo);
        Assert.Equal(bodies, received.Select(Body));
        return received;
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §4.2 §5.1.1")]
    [Trait("Conformance", "XEP-0359 §4")]
    public async Task Both_directions_are_archived_and_the_delivered_stanza_id_is_the_archive_id()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var delivered = await ExchangeAsync(juliet, romeo, "one", "two");
        await romeo.SendAsync("<message to='juliet@localhost/balcony' type='chat'><body>three</body></message>");
        // The sender's own pong first: it comes after the server has handled the message (one read loop per stream).
        Assert.Empty(await MessagesUntilPongAsync(romeo));
        Assert.Single(await MessagesUntilPongAsync(juliet));

        // Romeo's archive: both incoming, with the ids he saw stamped, and his own reply.
        var answer = await QueryAsync(romeo);
        Assert.Equal("result", answer.Iq.GetAttribute("type"));
        Assert.Equal(["one", "two", "three"], answer.Bodies);
        Assert.Equal(delivered.Select(m => StanzaId(m, "romeo@localhost")), answer.Ids.Take(2));
        Assert.All(answer.Items, i => Assert.StartsWith("q", i.QueryId, StringComparison.Ordinal));
        Assert.All(answer.Items, i => Assert.InRange(DateTimeOffset.Parse(i.Stamp, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow));
        Assert.Equal("juliet@localhost/balcony", answer.Items[0].Forwarded.GetAttribute("from"));
        Assert.Equal("juliet@localhost/balcony", answer.Items[2].Forwarded.GetAttribute("to"));
        Assert.True(answer.Complete);
        Assert.Equal(3, answer.Count);
        Assert.Equal(answer.Ids[0], answer.First);
        Assert.Equal(answer.Ids[^1], answer.Last);

        // Juliet's archive holds the same conversation under her own ids.
        var hers = await QueryAsync(juliet);
        Assert.Equal(["one", "two", "three"], hers.Bodies);
        Assert.Equal(StanzaId(hers.Items[2].Forwarded, "juliet@localhost"), hers.Ids[2]);
        Assert.Empty(hers.Ids.Intersect(answer.Ids));
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §5.1.1")]
    public async Task Only_chat_and_normal_messages_with_a_body_are_archived_and_hints_decide_first()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await juliet.SendAsync("<message to='romeo@localhost' type='headline'><body>news</body></message>");
        await juliet.SendAsync("<message to='romeo@localhost' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
        await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>secret</body><no-permanent-store xmlns='urn:xmpp:hints'/></message>");
        await juliet.SendAsync("<message to='romeo@localhost'><body>normal</body></message>");
        await juliet.SendAsync("<message to='romeo@localhost' type='chat'><store xmlns='urn:xmpp:hints'/><x xmlns='urn:example'/></message>");
        Assert.Empty(await MessagesUntilPongAsync(juliet));
        Assert.Equal(5, (await MessagesUntilPongAsync(romeo)).Count);

        var answer = await QueryAsync(romeo);
        Assert.Equal(["normal", null], answer.Bodies);
        Assert.NotNull(answer.Items[1].Forwarded.Child("store", Namespaces.Hints));
    }

    [Fact]
    [Trait("Conformance", "XEP-0359 §5")]
    public async Task Forged_stanza_ids_are_stripped_and_origin_id_is_kept()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await juliet.SendAsync("""
            <message to='romeo@localhost' type='chat'><body>hi</body>
            <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='romeo@localhost'/>
            <stanza-id xmlns='urn:xmpp:sid:0' id='forged-too' by='juliet@localhost'/>
            <stanza-id xmlns='urn:xmpp:sid:0' id='room-id' by='room@conference.example'/>
            <origin-id xmlns='urn:xmpp:sid:0' id='origin-1'/></message>
            """);
        Assert.Empty(await MessagesUntilPongAsync(juliet));
        var received = Assert.Single(await MessagesUntilPongAsync(romeo));
        var stanzaIds = received.Children("stanza-id", Namespaces.StanzaId).ToList();
        Assert.Equal(2, stanzaIds.Count);
        Assert.Equal("room@conference.example", stanzaIds[0].GetAttribute("by"));
        Assert.Equal("romeo@localhost", stanzaIds[1].GetAttribute("by"));
        Assert.NotEqual("forged", stanzaIds[1].GetAttribute("id"));
        Assert.Equal("origin-1", received.Child("origin-id", Namespaces.StanzaId)!.GetAttribute("id"));

        // Juliet's own archive keeps her message without the ids she forged: the only one by her account is her archive's.
        var answer = await QueryAsync(juliet);
        var hers = Assert.Single(answer.Items);
        Assert.DoesNotContain(hers.Forwarded.Children("stanza-id", Namespaces.StanzaId), s => s.GetAttribute("by") is "romeo@localhost");
        Assert.Equal(answer.Ids[0], StanzaId(hers.Forwarded, "juliet@localhost"));
        Assert.Equal("origin-1", hers.Forwarded.Child("origin-id", Namespaces.StanzaId)!.GetAttribute("id"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §4.1.2")]
    public async Task With_filters_by_bare_or_full_jid()
    {
        await using var server = await ServerAsync();
        await server.CreateAccountAsync("nurse", "secret");
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await using var nurse = await OnlineAsync(server, "nurse", "kitchen");
        await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>from juliet</body></message>");
        await nurse.SendAsync("<message to='romeo@localhost' type='chat'><body>from nurse</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(juliet));
        Assert.Empty(await MessagesUntilPongAsync(nurse));
        Assert.Equal(2, (await MessagesUntilPongAsync(romeo)).Count);

        Assert.Equal(["from juliet"], (await QueryAsync(romeo, Field("with", "juliet@localhost"))).Bodies);
        Assert.Equal(["from nurse"], (await QueryAsync(romeo, Field("with", "nurse@localhost/kitchen"))).Bodies);
        Assert.Empty((await QueryAsync(romeo, Field("with", "nurse@localhost/elsewhere"))).Items);
        var none = await QueryAsync(romeo, Field("with", "tybalt@localhost"));
        Assert.True(none.Complete);
        Assert.Equal(0, none.Count);
        Assert.Null(none.First);
    }

    [Fact]
    [Trait("Conformance", "XEP-0059 §2.2 §2.5")]
    [Trait("Conformance", "XEP-0313 §4.3")]
    public async Task Rsm_pages_forward_and_backward_with_count_index_and_complete()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await ExchangeAsync(juliet, romeo, "1", "2", "3", "4", "5");

        var page1 = await QueryAsync(romeo, rsm: "<max>2</max>");
        Assert.Equal(["1", "2"], page1.Bodies);
        Assert.False(page1.Complete);
        Assert.Equal((5, "0"), (page1.Count, page1.FirstIndex));
        var page2 = await QueryAsync(romeo, rsm: $"<max>2</max><after>{page1.Last}</after>");
        Assert.Equal(["3", "4"], page2.Bodies);
        Assert.Equal("2", page2.FirstIndex);
        var page3 = await QueryAsync(romeo, rsm: $"<max>2</max><after>{page2.Last}</after>");
        Assert.Equal(["5"], page3.Bodies);
        Assert.True(page3.Complete);
        Assert.Equal("4", page3.FirstIndex);

        // Backward from the end: <before/> empty is the last page.
        var last = await QueryAsync(romeo, rsm: "<max>2</max><before/>");
        Assert.Equal(["4", "5"], last.Bodies);
        Assert.False(last.Complete);
        Assert.Equal("3", last.FirstIndex);
        var earlier = await QueryAsync(romeo, rsm: $"<max>2</max><before>{last.First}</before>");
        Assert.Equal(["2", "3"], earlier.Bodies);
        Assert.Equal("1", earlier.FirstIndex);
        var earliest = await QueryAsync(romeo, rsm: $"<max>2</max><before>{earlier.First}</before>");
        Assert.Equal(["1"], earliest.Bodies);
        Assert.True(earliest.Complete);

        // <flip-page/>: the same page, newest first; first/last still name the result set's ends.
        var flipped = await QueryAsync(romeo, rsm: "<max>2</max><before/>", extra: "<flip-page/>");
        Assert.Equal(["5", "4"], flipped.Bodies);
        Assert.Equal(last.First, flipped.First);

        // max 0: the count alone.
        var count = await QueryAsync(romeo, rsm: "<max>0</max>");
        Assert.Empty(count.Items);
        Assert.Equal(5, count.Count);

        // index: skip into the result set.
        Assert.Equal(["4", "5"], (await QueryAsync(romeo, rsm: "<max>2</max><index>3</index>")).Bodies);
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §4.1.2 §4.1.4")]
    public async Task Start_end_before_id_after_id_and_ids_select_messages()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await ExchangeAsync(juliet, romeo, "a", "b", "c", "d");
        var all = await QueryAsync(romeo);
        var ids = all.Ids;

        Assert.Equal(["b", "c"], (await QueryAsync(romeo, Field("after-id", ids[0]) + Field("before-id", ids[3]))).Bodies);
        Assert.Equal(["a", "d"], (await QueryAsync(romeo, Field("ids", ids[3], ids[0]))).Bodies);

        var stamp = DateTimeOffset.Parse(all.Items[0].Stamp, System.Globalization.CultureInfo.InvariantCulture);
        var past = stamp.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var future = stamp.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+00:00'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(4, (await QueryAsync(romeo, Field("start", past) + Field("end", future))).Count);
        Assert.Empty((await QueryAsync(romeo, Field("start", future))).Items);
        Assert.Empty((await QueryAsync(romeo, Field("end", past))).Items);
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §4.1.2 §4.2")]
    [Trait("Conformance", "XEP-0059 §2.6")]
    public async Task Bad_queries_get_the_xeps_errors_and_a_large_max_is_clamped()
    {
        await using var server = await ServerAsync(("Archive:MaxPageSize", "3"), ("Archive:DefaultPageSize", "2"));
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await ExchangeAsync(juliet, romeo, "1", "2", "3", "4");

        static string? Error(Mam.Answer answer) => answer.Iq.GetAttribute("type") == "error" ? Exchange.Condition(answer.Iq) : "no error";
        Assert.Equal("feature-not-implemented", Error(await QueryAsync(romeo, Field("color", "red"))));
        Assert.Equal("bad-request", Error(await QueryAsync(romeo, Field("start", "yesterday"))));
        Assert.Equal("bad-request", Error(await QueryAsync(romeo, Field("end", "2026-13-40T99:00:00Z"))));
        Assert.Equal("bad-request", Error(await QueryAsync(romeo, Field("after-id", "not-an-id"))));
        Assert.Equal("bad-request", Error(await QueryAsync(romeo, rsm: "<after>x</after>")));
        Assert.Equal("bad-request", Error(await QueryAsync(romeo, rsm: "<max>-1</max>")));
        Assert.Equal("bad-request", Error(await QueryAsync(romeo, Field("with", "@@"))));
        Assert.Equal("item-not-found", Error(await QueryAsync(romeo, rsm: "<after>12345</after>")));
        Assert.Equal("item-not-found", Error(await QueryAsync(romeo, Field("before-id", "12345"))));
        Assert.Equal("item-not-found", Error(await QueryAsync(romeo, Field("ids", "12345"))));

        // Juliet's ids are not in Romeo's archive.
        var hers = await QueryAsync(juliet);
        Assert.Equal("item-not-found", Error(await QueryAsync(romeo, rsm: $"<after>{hers.Ids[0]}</after>")));

        // XEP-0313 §4.2: more than Archive:MaxPageSize asked, MaxPageSize given; none asked, DefaultPageSize.
        var clamped = await QueryAsync(romeo, rsm: "<max>100</max>");
        Assert.Equal(["1", "2", "3"], clamped.Bodies);
        Assert.False(clamped.Complete);
        Assert.Equal(2, (await QueryAsync(romeo)).Items.Count);

        // Another user's archive, local or not, is forbidden.
        Assert.Equal("forbidden", Error(await QueryAsync(romeo, to: "juliet@localhost")));
        Assert.Equal("result", (await QueryAsync(romeo, to: "romeo@localhost")).Iq.GetAttribute("type"));
        Assert.Equal("forbidden", Exchange.Condition(await romeo.AskAsync("<iq type='get' id='p' to='juliet@localhost'><prefs xmlns='urn:xmpp:mam:2'/></iq>")));

        // The server keeps serving.
        await ExchangeAsync(juliet, romeo, "still here");
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §6")]
    public async Task Preferences_decide_what_is_archived()
    {
        await using var server = await ServerAsync();
        await server.CreateAccountAsync("nurse", "secret");
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await using var nurse = await OnlineAsync(server, "nurse", "kitchen");

        var defaults = await romeo.AskAsync("<iq type='get' id='p1'><prefs xmlns='urn:xmpp:mam:2'/></iq>");
        Assert.Equal("always", defaults.Child("prefs", Namespaces.Mam)!.GetAttribute("default"));

        // Never, except Juliet.
        var set = await romeo.AskAsync("<iq type='set' id='p2'><prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>juliet@localhost</jid></always><never/></prefs></iq>");
        Assert.Equal("result", set.GetAttribute("type"));
        Assert.Equal("juliet@localhost", set.Child("prefs", Namespaces.Mam)!.Child("always", Namespaces.Mam)!.ChildText("jid", Namespaces.Mam));
        await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>kept</body></message>");
        await nurse.SendAsync("<message to='romeo@localhost' type='chat'><body>not kept</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(juliet));
        Assert.Empty(await MessagesUntilPongAsync(nurse));
        Assert.Equal(2, (await MessagesUntilPongAsync(romeo)).Count);
        Assert.Equal(["kept"], (await QueryAsync(romeo)).Bodies);

        // Roster: only contacts in the roster (Juliet is added, the nurse is not).
        await romeo.SendAsync("<iq type='set' id='r1'><query xmlns='jabber:iq:roster'><item jid='juliet@localhost'/></query></iq>");
        while ((await romeo.ExpectStanzaAsync("iq")).GetAttribute("id") != "r1")
        {
            // The roster push comes first.
        }

        Assert.Equal("result", (await romeo.AskAsync("<iq type='set' id='p3'><prefs xmlns='urn:xmpp:mam:2' default='roster'/></iq>")).GetAttribute("type"));
        await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>roster kept</body></message>");
        await nurse.SendAsync("<message to='romeo@localhost' type='chat'><body>stranger</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(juliet));
        Assert.Empty(await MessagesUntilPongAsync(nurse));
        Assert.Equal(2, (await MessagesUntilPongAsync(romeo)).Count);
        Assert.Equal(["kept", "roster kept"], (await QueryAsync(romeo)).Bodies);

        Assert.Equal("bad-request", Exchange.Condition(await romeo.AskAsync("<iq type='set' id='p4'><prefs xmlns='urn:xmpp:mam:2' default='sometimes'/></iq>")));
        Assert.Equal("roster", (await romeo.AskAsync("<iq type='get' id='p5'><prefs xmlns='urn:xmpp:mam:2'/></iq>")).Child("prefs", Namespaces.Mam)!.GetAttribute("default"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §6")]
    public async Task The_configured_default_policy_applies_until_an_account_sets_its_own()
    {
        await using var server = await ServerAsync(("Archive:DefaultPolicy", "never"));
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await ExchangeAsync(juliet, romeo, "unarchived");
        Assert.Empty((await QueryAsync(romeo)).Items);
        var delivered = await ExchangeAsync(juliet, romeo, "no id either");
        Assert.Null(StanzaId(delivered[0], "romeo@localhost"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §5.1.1")]
    public async Task Offline_messages_are_archived_and_delivered_with_their_stanza_id()
    {
        await using var server = await ServerAsync();
        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        {
            await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>while you were out</body></message>");
            Assert.Empty(await MessagesUntilPongAsync(juliet));
        }

        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        var offline = Assert.Single(await MessagesUntilPongAsync(romeo));
        var archived = Assert.Single((await QueryAsync(romeo)).Items);
        Assert.Equal("while you were out", archived.Forwarded.ChildText("body", Namespaces.Client));
        Assert.Equal(archived.Id, StanzaId(offline, "romeo@localhost"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §7")]
    public async Task Form_and_metadata_describe_the_archive()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        var empty = await romeo.AskAsync("<iq type='get' id='m0'><metadata xmlns='urn:xmpp:mam:2'/></iq>");
        Assert.Empty(empty.Child("metadata", Namespaces.Mam)!.Children());

        await ExchangeAsync(juliet, romeo, "x", "y");
        var ids = (await QueryAsync(romeo)).Ids;
        var metadata = (await romeo.AskAsync("<iq type='get' id='m1'><metadata xmlns='urn:xmpp:mam:2'/></iq>")).Child("metadata", Namespaces.Mam)!;
        Assert.Equal(ids[0], metadata.Child("start", Namespaces.Mam)!.GetAttribute("id"));
        Assert.Equal(ids[1], metadata.Child("end", Namespaces.Mam)!.GetAttribute("id"));

        var form = (await romeo.AskAsync("<iq type='get' id='f'><query xmlns='urn:xmpp:mam:2'/></iq>")).Child("query", Namespaces.Mam)!.Child("x", Namespaces.DataForms)!;
        Assert.Equal(["FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids"], form.Children("field", Namespaces.DataForms).Select(f => f.GetAttribute("var")));
    }

    [Fact]
    [Trait("Conformance", "XEP-0313 §8")]
    public async Task Retention_deletes_what_is_older_than_retention_days()
    {
        await using var server = await ServerAsync(("Archive:RetentionDays", "2"));
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await ExchangeAsync(juliet, romeo, "old");
        Assert.Single((await QueryAsync(romeo)).Items);

        var store = server.Services.GetRequiredService<IArchiveStore>();
        var options = server.Services.GetRequiredService<IOptions<ParleyOptions>>();
        ArchiveRetention Retention(TimeSpan ahead) => new(store, options, new ShiftedTime(ahead), NullLogger<ArchiveRetention>.Instance);

        // A day later the message is inside the two days; three days later it is gone, from both archives.
        Assert.Equal(0, await Retention(TimeSpan.FromDays(1)).RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, await Retention(TimeSpan.FromDays(3)).RunOnceAsync(CancellationToken.None));
        Assert.Empty((await QueryAsync(romeo)).Items);
        Assert.Empty((await QueryAsync(juliet)).Items);
    }

    [Fact]
    public async Task Removing_an_account_removes_its_archive_and_leaves_the_others()
    {
        await using var server = await ServerAsync();
        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        await using (var romeo = await OnlineAsync(server, "romeo", "garden"))
        {
            await ExchangeAsync(juliet, romeo, "hello");
            Assert.Single((await QueryAsync(juliet)).Items);
        }

        var julietJid = Xmpp.Addressing.Jid.Parse("juliet@localhost");
        var store = server.Services.GetRequiredService<IArchiveStore>();
        Assert.Equal(Parley.Server.Accounts.AccountResult.Succeeded, await server.Services.GetRequiredService<Parley.Server.Accounts.AccountService>().RemoveAsync(julietJid));
        Assert.Null(await store.BoundsAsync(ArchiveOwner.Account(julietJid), CancellationToken.None));
        Assert.NotNull(await store.BoundsAsync(ArchiveOwner.Account(Xmpp.Addressing.Jid.Parse("romeo@localhost")), CancellationToken.None));
    }

    [Fact]
    public async Task A_users_archive_is_deleted_on_its_own_by_the_cli_while_the_server_runs()
    {
        using var data = new Storage.TempDataDirectory();
        await using var server = await ServerAsync(("DataDirectory", data.Path));
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await ExchangeAsync(juliet, romeo, "forget me", "and me");
        Assert.Equal(2, (await QueryAsync(juliet)).Count);

        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter();
        Assert.Equal(0, await Parley.Cli.Cli.RunAsync(["user", "archive-delete", "juliet@localhost", "--data", data.Path], output, error, new StringReader("")));
        Assert.Equal("Deleted 2 archived messages of juliet@localhost\n", output.ToString());
        Assert.Equal(0, (await QueryAsync(juliet)).Count);
        Assert.Equal(2, (await QueryAsync(romeo)).Count);

        // The account and its conversations go on.
        await ExchangeAsync(juliet, romeo, "new");
        Assert.Equal(["new"], (await QueryAsync(juliet)).Bodies);
    }

    [Fact]
    public async Task Archiving_can_be_switched_off()
    {
        await using var server = await ServerAsync(("Archive:Enabled", "false"));
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        var delivered = await ExchangeAsync(juliet, romeo, "plain");
        Assert.Null(StanzaId(delivered[0], "romeo@localhost"));
        Assert.Equal("service-unavailable", Exchange.Condition((await QueryAsync(romeo)).Iq));
    }

    /// <summary>The system clock moved ahead, as the retention task would see it days later.</summary>
    private sealed class ShiftedTime(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }
}
