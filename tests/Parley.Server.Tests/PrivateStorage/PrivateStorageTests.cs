using System.Text;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.PrivateStorage;

/// <summary>XEP-0049 private XML storage over real sockets.</summary>
public sealed class PrivateStorageTests
{
    private const string Prefs = "urn:example:prefs";

    private static async Task<Element> GetAsync(RawStream client, string name, string ns)
    {
        var reply = await client.AskAsync($"<iq type='get' id='g'><query xmlns='jabber:iq:private'><{name} xmlns='{ns}'/></query></iq>");
        Assert.Equal("result", reply.GetAttribute("type"));
        var query = reply.Child("query", Namespaces.PrivateXml)!;
        Assert.Single(query.Children());
        return query.Child(name, ns)!;
    }

    private static async Task<Element> SetAsync(RawStream client, string elements) =>
        await client.AskAsync($"<iq type='set' id='s'><query xmlns='jabber:iq:private'>{elements}</query></iq>");

    [Fact]
    [Trait("Conformance", "XEP-0049 §2.3")]
    public async Task Stored_elements_come_back_by_name_and_namespace_for_their_owner_only()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            Assert.Empty((await GetAsync(juliet, "exodus", Prefs)).Nodes);

            var stored = await SetAsync(juliet, $"<exodus xmlns='{Prefs}' version='2'><defaultnick>Hamlet</defaultnick><x:opt xmlns:x='urn:example:other'>on</x:opt></exodus><storage xmlns='storage:bookmarks'/>");
            Assert.Equal("result", stored.GetAttribute("type"));

            var exodus = await GetAsync(juliet, "exodus", Prefs);
            Assert.Equal("2", exodus.GetAttribute("version"));
            Assert.Equal("Hamlet", exodus.ChildText("defaultnick", Prefs));
            Assert.Equal("on", exodus.ChildText("opt", "urn:example:other"));

            // Same name, other namespace: a different element, still empty; so is Romeo's.
            Assert.Empty((await GetAsync(juliet, "exodus", "urn:example:else")).Nodes);
            Assert.Empty((await GetAsync(romeo, "exodus", Prefs)).Nodes);

            // Replaced whole, then removed by storing it empty.
            await SetAsync(juliet, $"<exodus xmlns='{Prefs}'><defaultnick>Juliet</defaultnick></exodus>");
            var replaced = await GetAsync(juliet, "exodus", Prefs);
            Assert.Null(replaced.GetAttribute("version"));
            Assert.Equal("Juliet", replaced.ChildText("defaultnick", Prefs));
            await SetAsync(juliet, $"<exodus xmlns='{Prefs}'/>");
            Assert.Empty((await GetAsync(juliet, "exodus", Prefs)).Nodes);
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0049 §2.3 §3")]
    public async Task Bad_requests_are_refused_with_the_xeps_conditions()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            Assert.Equal("not-acceptable", Exchange.Condition(await juliet.AskAsync("<iq type='get' id='e1'><query xmlns='jabber:iq:private'/></iq>")));
            Assert.Equal("not-acceptable", Exchange.Condition(await SetAsync(juliet, "")));
            foreach (var reserved in new[] { "jabber:client", "jabber:server", "jabber:iq:private", "vcard-temp" })
            {
                Assert.Equal("not-acceptable", Exchange.Condition(await SetAsync(juliet, $"<x xmlns='{reserved}'>v</x>")));
                Assert.Equal("not-acceptable", Exchange.Condition(await juliet.AskAsync($"<iq type='get' id='e2'><query xmlns='jabber:iq:private'><x xmlns='{reserved}'/></query></iq>")));
            }

            Assert.Equal("bad-request", Exchange.Condition(await juliet.AskAsync($"<iq type='get' id='e3'><query xmlns='jabber:iq:private'><a xmlns='{Prefs}'/><b xmlns='{Prefs}'/></query></iq>")));
            Assert.Equal("forbidden", Exchange.Condition(await romeo.AskAsync($"<iq type='get' id='e4' to='juliet@localhost'><query xmlns='jabber:iq:private'><exodus xmlns='{Prefs}'/></query></iq>")));
            Assert.Equal("forbidden", Exchange.Condition(await romeo.AskAsync($"<iq type='set' id='e5' to='juliet@localhost'><query xmlns='jabber:iq:private'><exodus xmlns='{Prefs}'>x</exodus></query></iq>")));
            Assert.Empty((await GetAsync(juliet, "exodus", Prefs)).Nodes);

            // To her own bare JID it is hers.
            Assert.Equal("result", (await juliet.AskAsync($"<iq type='set' id='ok' to='juliet@localhost'><query xmlns='jabber:iq:private'><exodus xmlns='{Prefs}'>x</exodus></query></iq>")).GetAttribute("type"));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0049 §2.3")]
    public async Task An_account_stores_at_most_max_private_xml_bytes()
    {
        var a = $"<a xmlns='{Prefs}'>{new string('x', 50)}</a>";
        var b = $"<b xmlns='{Prefs}'>{new string('y', 70)}</b>";
        var limit = Encoding.UTF8.GetByteCount(a) + Encoding.UTF8.GetByteCount(b);
        var (server, juliet, romeo) = await TwoUsers.StartAsync(("Limits:MaxPrivateXmlBytes", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            // Exactly at the quota, in one request.
            Assert.Equal("result", (await SetAsync(juliet, a + b)).GetAttribute("type"));
            Assert.Equal("policy-violation", Exchange.Condition(await SetAsync(juliet, $"<c xmlns='{Prefs}'>z</c>")));

            // Replacing counts the new size only, and a refused request changes nothing.
            Assert.Equal("policy-violation", Exchange.Condition(await SetAsync(juliet, $"<a xmlns='{Prefs}'>{new string('x', 51)}</a>")));
            Assert.Equal(50, (await GetAsync(juliet, "a", Prefs)).Text.Length);
            Assert.Equal("result", (await SetAsync(juliet, $"<a xmlns='{Prefs}'>{new string('w', 50)}</a>")).GetAttribute("type"));

            // Removing frees room; the quota is per account.
            await SetAsync(juliet, $"<b xmlns='{Prefs}'/>");
            Assert.Equal("result", (await SetAsync(juliet, $"<c xmlns='{Prefs}'>z</c>")).GetAttribute("type"));
            Assert.Equal("result", (await SetAsync(romeo, a + b)).GetAttribute("type"));
        }
    }
}
