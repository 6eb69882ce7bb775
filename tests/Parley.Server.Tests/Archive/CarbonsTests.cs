using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;
using static Parley.Server.Tests.Archive.Mam;
using static Parley.Server.Tests.Messages.Chat;

namespace Parley.Server.Tests.Archive;

/// <summary>XEP-0280 message carbons over real sockets.</summary>
public sealed class CarbonsTests
{
    private static async Task<TestServer> ServerAsync(params (string Key, string Value)[] settings)
    {
        var server = await TestServer.StartAsync(settings);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return server;
    }

    private static async Task EnableAsync(RawStream client) =>
        Assert.Equal("result", (await IqAsync(client, "<iq type='set' id='carbons'><enable xmlns='urn:xmpp:carbons:2'/></iq>")).GetAttribute("type"));

    /// <summary>Sends an IQ and returns its answer, past the presence of the account's other resources coming online.</summary>
    private static async Task<Element> IqAsync(RawStream client, string iq)
    {
        await client.SendAsync(iq);
        while (true)
        {
            var element = await client.ExpectAsync();
            if (element.Name == "iq")
            {
                return element;
            }
        }
    }

    /// <summary>The one carbon copy that arrived: its direction element and the message it forwards.</summary>
    private static (string Direction, Element Message) Carbon(Element copy)
    {
        Assert.Equal("juliet@localhost", copy.GetAttribute("from"));
        var wrapper = Assert.Single(copy.Children(), c => c.Namespace == Namespaces.Carbons);
        return (wrapper.Name, wrapper.Child("forwarded", Namespaces.Forward)!.Child("message", Namespaces.Client)!);
    }

    [Fact]
    [Trait("Conformance", "XEP-0280 §4 §7")]
    public async Task Sent_messages_are_copied_to_the_other_enabled_resources_also_to_other_domains()
    {
        // Without federation, the message to another domain bounces at once, after its copy was made.
        await using var server = await ServerAsync(("S2s:Port", "0"));
        await using var balcony = await OnlineAsync(server, "juliet", "balcony");
        await using var phone = await OnlineAsync(server, "juliet", "phone");
        await using var tablet = await OnlineAsync(server, "juliet", "tablet");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await EnableAsync(balcony);
        await EnableAsync(phone);

        await balcony.SendAsync("<message to='romeo@localhost' type='chat' id='s1'><body>to romeo</body></message>");
        await balcony.SendAsync("<message to='mercutio@verona.example' type='chat' id='s2'><body>to another domain</body></message>");
        var sender = await MessagesUntilPongAsync(balcony);
        Assert.Equal("remote-server-not-found", Condition(Assert.Single(sender)));
        var received = Assert.Single(await MessagesUntilPongAsync(romeo));
        // The sender's archive id is the sender's: it rides on the sent copies only.
        Assert.Null(StanzaId(received, "juliet@localhost"));

        var copies = await MessagesUntilPongAsync(phone);
        Assert.Equal(2, copies.Count);
        var (direction, forwarded) = Carbon(copies[0]);
        Assert.Equal("sent", direction);
        Assert.Equal("juliet@localhost/phone", copies[0].GetAttribute("to"));
        Assert.Equal(("s1", "juliet@localhost/balcony", "romeo@localhost"), (forwarded.GetAttribute("id"), forwarded.GetAttribute("from"), forwarded.GetAttribute("to")));
        Assert.Equal("mercutio@verona.example", Carbon(copies[1]).Message.GetAttribute("to"));

        // Each sent copy carries the stanza-id of the sender's archive (XEP-0359 §4), so the phone
        // recognises both messages when it pages through the archive.
        var archived = await QueryAsync(phone);
        Assert.Equal(archived.Ids, copies.Select(c => StanzaId(Carbon(c).Message, "juliet@localhost")));

        // The tablet never enabled carbons.
        Assert.Empty(await MessagesUntilPongAsync(tablet));
    }

    [Fact]
    [Trait("Conformance", "XEP-0280 §6")]
    public async Task Received_messages_are_copied_to_enabled_resources_the_message_does_not_reach()
    {
        await using var server = await ServerAsync();
        await using var balcony = await OnlineAsync(server, "juliet", "balcony", priority: 5);
        await using var phone = await OnlineAsync(server, "juliet", "phone", priority: 1);
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await EnableAsync(balcony);
        await EnableAsync(phone);

        // To a full JID: the other resource gets a copy, with the stanza-id the archive stamped.
        await romeo.SendAsync("<message to='juliet@localhost/balcony' type='chat' id='r1'><body>full</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(romeo));
        var original = Assert.Single(await MessagesUntilPongAsync(balcony));
        var copy = Assert.Single(await MessagesUntilPongAsync(phone));
        var (direction, forwarded) = Carbon(copy);
        Assert.Equal("received", direction);
        Assert.Equal("r1", forwarded.GetAttribute("id"));
        Assert.Equal(StanzaId(original, "juliet@localhost"), StanzaId(forwarded, "juliet@localhost"));

        // To the bare JID: the balcony (highest priority) gets it, the phone a copy.
        await romeo.SendAsync("<message to='juliet@localhost' type='chat' id='r2'><body>bare</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(romeo));
        Assert.Equal(["bare"], (await MessagesUntilPongAsync(balcony)).Select(Body));
        Assert.Equal("r2", Carbon(Assert.Single(await MessagesUntilPongAsync(phone))).Message.GetAttribute("id"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0280 §6")]
    public async Task Resources_that_get_a_bare_jid_message_themselves_get_no_copy()
    {
        await using var server = await ServerAsync();
        await using var balcony = await OnlineAsync(server, "juliet", "balcony");
        await using var phone = await OnlineAsync(server, "juliet", "phone");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await EnableAsync(balcony);
        await EnableAsync(phone);
        await romeo.SendAsync("<message to='juliet@localhost' type='chat'><body>both</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(romeo));
        Assert.Equal(["both"], (await MessagesUntilPongAsync(balcony)).Select(Body));
        Assert.Equal(["both"], (await MessagesUntilPongAsync(phone)).Select(Body));
    }

    [Fact]
    [Trait("Conformance", "XEP-0280 §6 §8")]
    public async Task Only_eligible_messages_are_copied_and_a_carbon_never_is()
    {
        // No MUC service: the private message to an occupant JID is about what is copied, not about what a room answers.
        await using var server = await ServerAsync(("Muc:Enabled", "false"));
        await using var balcony = await OnlineAsync(server, "juliet", "balcony");
        await using var phone = await OnlineAsync(server, "juliet", "phone");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await EnableAsync(phone);

        string[] notCopied =
        [
            "<message to='romeo@localhost' type='groupchat'><body>room</body></message>",
            "<message to='romeo@localhost' type='headline'><body>news</body></message>",
            "<message to='romeo@localhost'><subject>normal without body</subject></message>",
            "<message to='romeo@localhost' type='chat'><body>private</body><private xmlns='urn:xmpp:carbons:2'/></message>",
            "<message to='romeo@localhost' type='chat'><body>no copy</body><no-copy xmlns='urn:xmpp:hints'/></message>",
            "<message to='romeo@localhost' type='chat'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' type='chat'><body>inner</body></message></forwarded></sent></message>",
        ];
        string[] copied =
        [
            "<message to='romeo@localhost' type='chat' id='c1'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
            "<message to='romeo@localhost' id='c2'><body>normal with body</body></message>",
            "<message to='romeo@localhost' id='c3'><received xmlns='urn:xmpp:receipts' id='x'/></message>",
            "<message to='room@conference.localhost/nurse' type='chat' id='c4'><body>pm</body><x xmlns='http://jabber.org/protocol/muc#user'/></message>",
        ];
        foreach (var message in notCopied.Concat(copied))
        {
            await balcony.SendAsync(message);
        }

        await MessagesUntilPongAsync(balcony);
        Assert.Equal(["c1", "c2", "c3", "c4"], (await MessagesUntilPongAsync(phone)).Select(m => Carbon(m).Message.GetAttribute("id")));
    }

    [Fact]
    [Trait("Conformance", "XEP-0280 §5")]
    public async Task Disabled_resources_get_no_copies_and_only_the_owner_switches_carbons()
    {
        await using var server = await ServerAsync();
        await using var balcony = await OnlineAsync(server, "juliet", "balcony");
        await using var phone = await OnlineAsync(server, "juliet", "phone");
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await EnableAsync(phone);
        Assert.Equal("result", (await IqAsync(phone, "<iq type='set' id='off'><disable xmlns='urn:xmpp:carbons:2'/></iq>")).GetAttribute("type"));
        await balcony.SendAsync("<message to='romeo@localhost' type='chat'><body>unseen</body></message>");
        await MessagesUntilPongAsync(balcony);
        Assert.Empty(await MessagesUntilPongAsync(phone));

        // Romeo cannot switch carbons on for Juliet.
        Assert.Equal("forbidden", Exchange.Condition(await IqAsync(romeo, "<iq type='set' id='x' to='juliet@localhost'><enable xmlns='urn:xmpp:carbons:2'/></iq>")));

        var info = await IqAsync(phone, "<iq type='get' id='d' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        var features = info.Child("query", Namespaces.DiscoInfo)!.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var")).ToList();
        Assert.Contains(Namespaces.Carbons, features);
        var account = await IqAsync(phone, "<iq type='get' id='d2' to='juliet@localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        var accountFeatures = account.Child("query", Namespaces.DiscoInfo)!.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var")).ToList();
        Assert.Contains(Namespaces.Mam, accountFeatures);
        Assert.Contains(Namespaces.MamExtended, accountFeatures);
        Assert.Contains(Namespaces.StanzaId, accountFeatures);
        // XEP-0280 §2: carbons are the server's feature; the account does not answer for them.
        Assert.DoesNotContain(Namespaces.Carbons, accountFeatures);
    }

    [Fact]
    public async Task Carbons_can_be_switched_off()
    {
        await using var server = await ServerAsync(("Carbons:Enabled", "false"));
        await using var phone = await OnlineAsync(server, "juliet", "phone");
        Assert.Equal("service-unavailable", Exchange.Condition(await IqAsync(phone, "<iq type='set' id='c'><enable xmlns='urn:xmpp:carbons:2'/></iq>")));
    }
}
