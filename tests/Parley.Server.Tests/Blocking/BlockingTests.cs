using Microsoft.Data.Sqlite;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Blocking;

/// <summary>XEP-0191 blocking command over real sockets: the list, its pushes and its enforcement.</summary>
public sealed class BlockingTests
{
    private static async Task BlockAsync(RawStream client, params string[] jids) =>
        Assert.Equal("result", (await CommandAsync(client, $"<iq type='set' id='b'><block xmlns='urn:xmpp:blocking'>{Items(jids)}</block></iq>")).GetAttribute("type"));

    /// <summary>The answer to a command, past the push a resource that retrieved the list gets first.</summary>
    private static async Task<Element> CommandAsync(RawStream client, string iq)
    {
        var reply = await client.AskAsync(iq);
        return reply.GetAttribute("type") == "set" ? await client.ExpectStanzaAsync("iq") : reply;
    }

    private static string Items(IEnumerable<string> jids) => string.Concat(jids.Select(j => $"<item jid='{j}'/>"));

    private static List<string?> Blocked(Element iq) =>
        [.. iq.Child("blocklist", Namespaces.Blocking)!.Children("item", Namespaces.Blocking).Select(i => i.GetAttribute("jid"))];

    private static void AssertBlockedError(Element stanza)
    {
        Assert.Equal("error", stanza.GetAttribute("type"));
        Assert.Equal("not-acceptable", Exchange.Condition(stanza));
        Assert.NotNull(stanza.Child("error", Namespaces.Client)!.Child("blocked", Namespaces.BlockingErrors));
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.2 §3.3 §3.4 §3.5")]
    public async Task Blocklist_lists_what_was_blocked_and_unblocked()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            Assert.Empty(Blocked(await juliet.AskAsync("<iq type='get' id='l1'><blocklist xmlns='urn:xmpp:blocking'/></iq>")));

            // Two items in one command, given unprepared: the list holds them prepared, sorted.
            await BlockAsync(juliet, "Romeo@LOCALHOST", "iago@shakespeare.lit");
            Assert.Equal(["iago@shakespeare.lit", "romeo@localhost"], Blocked(await juliet.AskAsync("<iq type='get' id='l2'><blocklist xmlns='urn:xmpp:blocking'/></iq>")));

            var unblock = await CommandAsync(juliet, "<iq type='set' id='u1'><unblock xmlns='urn:xmpp:blocking'><item jid='iago@shakespeare.lit'/></unblock></iq>");
            Assert.Equal("result", unblock.GetAttribute("type"));
            Assert.Equal(["romeo@localhost"], Blocked(await juliet.AskAsync("<iq type='get' id='l3'><blocklist xmlns='urn:xmpp:blocking'/></iq>")));

            await BlockAsync(juliet, "iago@shakespeare.lit");
            Assert.Equal("result", (await CommandAsync(juliet, "<iq type='set' id='u2'><unblock xmlns='urn:xmpp:blocking'/></iq>")).GetAttribute("type"));
            Assert.Empty(Blocked(await juliet.AskAsync("<iq type='get' id='l4'><blocklist xmlns='urn:xmpp:blocking'/></iq>")));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3")]
    public async Task Malformed_block_commands_are_refused()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            Assert.Equal("bad-request", Exchange.Condition(await juliet.AskAsync("<iq type='set' id='e1'><block xmlns='urn:xmpp:blocking'/></iq>")));
            Assert.Equal("bad-request", Exchange.Condition(await juliet.AskAsync("<iq type='set' id='e2'><block xmlns='urn:xmpp:blocking'><item/></block></iq>")));
            Assert.Equal("jid-malformed", Exchange.Condition(await juliet.AskAsync("<iq type='set' id='e3'><block xmlns='urn:xmpp:blocking'><item jid='a@b@c'/></block></iq>")));
            Assert.Equal("forbidden", Exchange.Condition(await juliet.AskAsync("<iq type='get' id='e4' to='romeo@localhost'><blocklist xmlns='urn:xmpp:blocking'/></iq>")));
            Assert.Equal("forbidden", Exchange.Condition(await juliet.AskAsync("<iq type='set' id='e5' to='romeo@localhost'><block xmlns='urn:xmpp:blocking'><item jid='iago@localhost'/></block></iq>")));

            // Nothing half-done: the list is still empty.
            Assert.Empty(Blocked(await juliet.AskAsync("<iq type='get' id='l'><blocklist xmlns='urn:xmpp:blocking'/></iq>")));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3 §3.4 §3.5")]
    public async Task Pushes_go_only_to_resources_that_retrieved_the_blocklist()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var interested = await RawStream.ConnectAsync(server.C2s);
        await interested.LoginAsync("juliet", "secret", "interested");
        await using var other = await RawStream.ConnectAsync(server.C2s);
        await other.LoginAsync("juliet", "secret", "other");
        await interested.AskAsync("<iq type='get' id='l'><blocklist xmlns='urn:xmpp:blocking'/></iq>");

        await other.SendAsync("<iq type='set' id='b1'><block xmlns='urn:xmpp:blocking'><item jid='romeo@localhost'/><item jid='iago@localhost'/></block></iq>");
        Assert.Equal("b1", (await other.ExpectStanzaAsync("iq")).GetAttribute("id"));
        await other.ExpectNothingPendingAsync();

        var push = await interested.ExpectStanzaAsync("iq");
        Assert.Equal("set", push.GetAttribute("type"));
        Assert.Equal("juliet@localhost/interested", push.GetAttribute("to"));
        var block = push.Child("block", Namespaces.Blocking)!;
        Assert.Equal(["romeo@localhost", "iago@localhost"], block.Children("item", Namespaces.Blocking).Select(i => i.GetAttribute("jid")));
        await interested.SendAsync($"<iq type='result' id='{push.GetAttribute("id")}'/>");

        await other.AskAsync("<iq type='set' id='u1'><unblock xmlns='urn:xmpp:blocking'><item jid='iago@localhost'/></unblock></iq>");
        var unblock = (await interested.ExpectStanzaAsync("iq")).Child("unblock", Namespaces.Blocking)!;
        Assert.Equal(["iago@localhost"], unblock.Children("item", Namespaces.Blocking).Select(i => i.GetAttribute("jid")));

        await other.AskAsync("<iq type='set' id='u2'><unblock xmlns='urn:xmpp:blocking'/></iq>");
        var all = (await interested.ExpectStanzaAsync("iq")).Child("unblock", Namespaces.Blocking)!;
        Assert.Empty(all.Children());
        await interested.ExpectNothingPendingAsync();
        await other.ExpectNothingPendingAsync();
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3")]
    public async Task A_blocked_contact_gets_nothing_through_and_looks_offline()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<presence/>");
            await juliet.ExpectStanzaAsync("presence");
            await BlockAsync(juliet, "romeo@localhost");

            await romeo.SendAsync("<message to='juliet@localhost' type='chat' id='m1'><body>hi</body></message>");
            Assert.Equal("service-unavailable", Exchange.Condition(await romeo.ExpectStanzaAsync("message")));
            await romeo.SendAsync("<message to='juliet@localhost/balcony' type='chat' id='m2'><body>hi</body></message>");
            Assert.Equal("service-unavailable", Exchange.Condition(await romeo.ExpectStanzaAsync("message")));
            Assert.Equal("service-unavailable", Exchange.Condition(await romeo.AskAsync("<iq type='get' id='i1' to='juliet@localhost/balcony'><ping xmlns='urn:xmpp:ping'/></iq>")));
            Assert.Equal("service-unavailable", Exchange.Condition(await romeo.AskAsync("<iq type='get' id='i2' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>")));

            // Presence, results and errors are dropped without a word (XEP-0191 §3.3).
            await romeo.SendAsync("<presence to='juliet@localhost'/>");
            await romeo.SendAsync("<iq type='result' id='r1' to='juliet@localhost/balcony'/>");
            await romeo.ExpectNothingPendingAsync();
            await juliet.ExpectNothingPendingAsync();

            // Unblocked, he is delivered again.
            await juliet.AskAsync("<iq type='set' id='u'><unblock xmlns='urn:xmpp:blocking'><item jid='romeo@localhost'/></unblock></iq>");
            await romeo.SendAsync("<message to='juliet@localhost' type='chat' id='m3'><body>again</body></message>");
            Assert.Equal("again", (await juliet.ExpectStanzaAsync("message")).ChildText("body", Namespaces.Client));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3")]
    public async Task Stanzas_to_a_blocked_contact_get_not_acceptable_with_blocked()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await BlockAsync(juliet, "romeo@localhost", "example.org");
            await juliet.SendAsync("<message to='romeo@localhost/garden' type='chat' id='m1'><body>hi</body></message>");
            var error = await juliet.ExpectStanzaAsync("message");
            Assert.Equal("m1", error.GetAttribute("id"));
            AssertBlockedError(error);
            AssertBlockedError(await juliet.AskAsync("<iq type='get' id='i1' to='romeo@localhost'><vCard xmlns='vcard-temp'/></iq>"));

            // A blocked domain covers its subdomains, checked before the stanza would leave for them.
            await juliet.SendAsync("<message to='someone@chat.example.org' type='chat' id='m2'><body>hi</body></message>");
            AssertBlockedError(await juliet.ExpectStanzaAsync("message"));

            await juliet.SendAsync("<presence to='romeo@localhost'/>");
            await juliet.ExpectNothingPendingAsync();
            await romeo.ExpectNothingPendingAsync();
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §6")]
    public async Task A_full_jid_item_blocks_only_that_resource()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await using var orchard = await RawStream.ConnectAsync(server.C2s);
            await orchard.LoginAsync("romeo", "secret", "orchard");
            await juliet.SendAsync("<presence/>");
            await juliet.ExpectStanzaAsync("presence");
            await BlockAsync(juliet, "romeo@localhost/garden");

            await romeo.SendAsync("<message to='juliet@localhost' type='chat' id='m1'><body>from the garden</body></message>");
            Assert.Equal("service-unavailable", Exchange.Condition(await romeo.ExpectStanzaAsync("message")));
            await orchard.SendAsync("<message to='juliet@localhost' type='chat' id='m2'><body>from the orchard</body></message>");
            Assert.Equal("from the orchard", (await juliet.ExpectStanzaAsync("message")).ChildText("body", Namespaces.Client));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3")]
    public async Task Blocking_sends_unavailable_presence_to_the_contact()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<presence/>");
            await juliet.ExpectStanzaAsync("presence");
            await romeo.SendAsync("<presence/>");
            await romeo.ExpectStanzaAsync("presence");

            await BlockAsync(juliet, "romeo@localhost");
            var unavailable = await romeo.ExpectAsync();
            Assert.True(unavailable.Is("presence", Namespaces.Client), unavailable.ToString());
            Assert.Equal("unavailable", unavailable.GetAttribute("type"));
            Assert.Equal("juliet@localhost/balcony", unavailable.GetAttribute("from"));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3")]
    public async Task Blocking_holds_while_the_user_is_offline()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (romeo)
        {
            await using (juliet)
            {
                await juliet.AskAsync("<iq type='set' id='v'><vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard></iq>");
                await BlockAsync(juliet, "romeo@localhost");
                await juliet.SendAsync("</stream:stream>");
                await juliet.ExpectClosedAsync();
            }

            // The server answers for the account from storage: still blocked.
            Assert.Equal("service-unavailable", Exchange.Condition(await romeo.AskAsync("<iq type='get' id='i' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>")));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3")]
    public async Task The_blocklist_is_bounded_by_max_blocklist_items()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync(("Limits:MaxBlocklistItems", "2"));
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await BlockAsync(juliet, "a@localhost", "b@localhost");

            // Already blocked: the list stays at the limit and the command succeeds.
            await BlockAsync(juliet, "a@localhost");
            Assert.Equal("policy-violation", Exchange.Condition(await juliet.AskAsync("<iq type='set' id='c'><block xmlns='urn:xmpp:blocking'><item jid='c@localhost'/></block></iq>")));
            Assert.Equal(["a@localhost", "b@localhost"], Blocked(await juliet.AskAsync("<iq type='get' id='l'><blocklist xmlns='urn:xmpp:blocking'/></iq>")));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0191 §3.3 XEP-0054 §3.2 XEP-0049 §2.3")]
    public async Task Blocklist_vcard_and_private_xml_survive_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "parley-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await TestServer.StartAsync(("DataDirectory", data)))
            {
                await first.CreateAccountAsync("juliet", "secret");
                await using var juliet = await RawStream.ConnectAsync(first.C2s);
                await juliet.LoginAsync("juliet", "secret");
                await BlockAsync(juliet, "romeo@localhost");
                await juliet.AskAsync("<iq type='set' id='v'><vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard></iq>");
                await juliet.AskAsync("<iq type='set' id='p'><query xmlns='jabber:iq:private'><prefs xmlns='urn:example:prefs'><nick>J</nick></prefs></query></iq>");
            }

            await using var second = await TestServer.StartAsync(("DataDirectory", data));
            await using var again = await RawStream.ConnectAsync(second.C2s);
            await again.LoginAsync("juliet", "secret");
            Assert.Equal(["romeo@localhost"], Blocked(await again.AskAsync("<iq type='get' id='l'><blocklist xmlns='urn:xmpp:blocking'/></iq>")));
            Assert.Equal("Juliet", (await again.AskAsync("<iq type='get' id='v'><vCard xmlns='vcard-temp'/></iq>")).Child("vCard", Namespaces.VCard)!.ChildText("FN", Namespaces.VCard));
            var prefs = (await again.AskAsync("<iq type='get' id='p'><query xmlns='jabber:iq:private'><prefs xmlns='urn:example:prefs'/></query></iq>"))
                .Child("query", Namespaces.PrivateXml)!.Child("prefs", "urn:example:prefs")!;
            Assert.Equal("J", prefs.ChildText("nick", "urn:example:prefs"));
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
}
