using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Modules;

/// <summary>The built-in modules: Disco (XEP-0030), Ping (XEP-0199), Version (XEP-0092), Register (XEP-0077).</summary>
public sealed class ModuleTests
{
    private static async Task<Element> AskAsync(RawStream client, string iq)
    {
        await client.SendAsync(iq);
        return await client.ExpectStanzaAsync("iq");
    }

    private static string? Condition(Element stanza) =>
        stanza.Child("error", Namespaces.Client)?.Children().FirstOrDefault(c => c.Namespace == Namespaces.Stanzas)?.Name;

    [Fact]
    [Trait("Conformance", "XEP-0030 §3.1")]
    public async Task Disco_info_on_the_server_lists_identity_and_every_module_feature()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        var reply = await AskAsync(client, "<iq type='get' id='d1' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        Assert.Equal("result", reply.GetAttribute("type"));
        Assert.Equal("localhost", reply.GetAttribute("from"));
        var query = reply.Child("query", Namespaces.DiscoInfo)!;
        var identity = query.Child("identity", Namespaces.DiscoInfo)!;
        Assert.Equal(("server", "im"), (identity.GetAttribute("category"), identity.GetAttribute("type")));
        var features = query.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var")).ToList();
        Assert.Contains(Namespaces.DiscoInfo, features);
        Assert.Contains(Namespaces.Ping, features);
        Assert.Contains(Namespaces.Version, features);
        Assert.Contains(Namespaces.Blocking, features); // XEP-0191 §2
        Assert.Contains(Namespaces.VCard, features); // XEP-0054 §2
        Assert.Contains(Namespaces.PrivateXml, features); // XEP-0049
        Assert.Contains("msgoffline", features); // XEP-0160 §4
        Assert.DoesNotContain(Namespaces.Register, features);
    }

    [Fact]
    [Trait("Conformance", "XEP-0030 §3.1")]
    public async Task Disco_info_on_the_account_is_answered_by_the_server()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        var reply = await AskAsync(client, "<iq type='get' id='d2' to='juliet@localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        var identity = reply.Child("query", Namespaces.DiscoInfo)!.Child("identity", Namespaces.DiscoInfo)!;
        Assert.Equal(("account", "registered"), (identity.GetAttribute("category"), identity.GetAttribute("type")));
        var items = await AskAsync(client, "<iq type='get' id='d3' to='localhost'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
        // The server's items are its services: the MUC service on by default, nothing else.
        var item = Assert.Single(items.Child("query", Namespaces.DiscoItems)!.Children());
        Assert.Equal("conference.localhost", item.GetAttribute("jid"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0030 §3.1")]
    public async Task Disco_info_on_an_account_lists_only_what_is_answered_for_the_account()
    {
        // Issue 12 item 4: the account's disco#info listed the server's features, which the account refuses.
        // Asked of one's own account, which the server reveals to its owner (AccountPrivacy).
        await using var server = await TestServer.StartAsync(("AllowRegistration", "true"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");

        var account = await AskAsync(client, "<iq type='get' id='a1' to='juliet@localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        var query = account.Child("query", Namespaces.DiscoInfo)!;
        Assert.Equal(["account/registered", "pubsub/pep"], query.Children().Where(c => c.Name == "identity").Select(i => i.GetAttribute("category") + "/" + i.GetAttribute("type")));
        var features = query.Children().Where(c => c.Name == "feature").Select(f => f.GetAttribute("var")!).ToList();
        // The account's own archive (XEP-0313 §6.1) is answered on its bare JID too.
        // So is its PEP service (XEP-0163 §6.1).
        string[] pep = [.. new[]
        {
            "", "#access-open", "#access-presence", "#access-roster", "#access-whitelist", "#auto-create", "#auto-subscribe", "#config-node",
            "#create-and-configure", "#create-nodes", "#delete-nodes", "#filtered-notifications", "#item-ids", "#last-published",
            "#persistent-items", "#presence-notifications", "#publish-options", "#publish", "#purge-nodes", "#retract-items", "#retrieve-items",
        }.Select(f => "http://jabber.org/protocol/pubsub" + f)];
        // Its avatar conversion (XEP-0398 §2) and bookmark compatibility (XEP-0402 §6) are the account's too,
        // and push registrations (XEP-0357 §5: the account advertises them).
        string[] conversions = ["urn:xmpp:pep-vcard-conversion:0", "urn:xmpp:bookmarks:1#compat", "urn:xmpp:bookmarks:1#compat-pep"];
        string[] expected = [Namespaces.DiscoInfo, Namespaces.DiscoItems, Namespaces.Ping, Namespaces.VCard, Namespaces.Mam, Namespaces.MamExtended, Namespaces.StanzaId, "urn:xmpp:push:0", .. pep, .. conversions];
        Assert.Equal(expected.Order(StringComparer.Ordinal), features.Order(StringComparer.Ordinal));

        // Each one is answered on the account's behalf; a server-only feature is refused there.
        Assert.Equal("result", (await AskAsync(client, "<iq type='get' id='a2' to='juliet@localhost'><ping xmlns='urn:xmpp:ping'/></iq>")).GetAttribute("type"));
        Assert.Equal("result", (await AskAsync(client, "<iq type='get' id='a3' to='juliet@localhost'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>")).GetAttribute("type"));
        var version = await AskAsync(client, "<iq type='get' id='a4' to='juliet@localhost'><query xmlns='jabber:iq:version'/></iq>");
        Assert.Equal("service-unavailable", Exchange.Condition(version));

        var serverInfo = await AskAsync(client, "<iq type='get' id='a5' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        var serverFeatures = serverInfo.Child("query", Namespaces.DiscoInfo)!.Children().Where(c => c.Name == "feature").Select(f => f.GetAttribute("var")!).ToList();
        foreach (var serverOnly in new[] { Namespaces.Version, Namespaces.PrivateXml, Namespaces.Register, "msgoffline", Namespaces.Blocking })
        {
            Assert.Contains(serverOnly, serverFeatures);
        }

        Assert.DoesNotContain("account", serverInfo.Child("query", Namespaces.DiscoInfo)!.Children().Where(c => c.Name == "identity").Select(i => i.GetAttribute("category")));
    }

    [Theory]
    [Trait("Conformance", "XEP-0199 §4.2 §4.3")]
    [InlineData("to='localhost'")]
    [InlineData("to='juliet@localhost'")]
    [InlineData("")]
    public async Task Ping_is_answered_with_an_empty_result(string to)
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        var reply = await AskAsync(client, $"<iq type='get' id='p' {to}><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("result", reply.GetAttribute("type"));
        Assert.Equal("p", reply.GetAttribute("id"));
        Assert.Empty(reply.Children());
    }

    [Fact]
    [Trait("Conformance", "XEP-0092 §2")]
    public async Task Version_names_parley()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        var reply = await AskAsync(client, "<iq type='get' id='v' to='localhost'><query xmlns='jabber:iq:version'/></iq>");
        var query = reply.Child("query", Namespaces.Version)!;
        Assert.Equal("Parley", query.ChildText("name", Namespaces.Version));
        Assert.False(string.IsNullOrEmpty(query.ChildText("version", Namespaces.Version)));
    }

    [Fact]
    public async Task Version_can_be_hidden()
    {
        await using var server = await TestServer.StartAsync(("AdvertiseVersion", "false"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        var reply = await AskAsync(client, "<iq type='get' id='v' to='localhost'><query xmlns='jabber:iq:version'/></iq>");
        Assert.Equal("service-unavailable", Condition(reply));
        var info = await AskAsync(client, "<iq type='get' id='d' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        Assert.DoesNotContain(info.Child("query", Namespaces.DiscoInfo)!.Children(), f => f.GetAttribute("var") == Namespaces.Version);
    }

    [Fact]
    [Trait("Conformance", "XEP-0077 §3.1")]
    public async Task Registration_creates_an_account_that_can_log_in()
    {
        await using var server = await TestServer.StartAsync(("AllowRegistration", "true"));
        await using (var registering = await RawStream.ConnectAsync(server.C2s))
        {
            var features = await registering.SecureAsync();
            Assert.NotNull(features.Child("register", Namespaces.RegisterFeature));
            var form = await AskAsync(registering, "<iq type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>");
            Assert.NotNull(form.Child("query", Namespaces.Register)!.Child("password", Namespaces.Register));
            var created = await AskAsync(registering, "<iq type='set' id='r2'><query xmlns='jabber:iq:register'><username>nurse</username><password>verona</password></query></iq>");
            Assert.Equal("result", created.GetAttribute("type"));
            var taken = await AskAsync(registering, "<iq type='set' id='r3'><query xmlns='jabber:iq:register'><username>nurse</username><password>other</password></query></iq>");
            Assert.Equal("conflict", Condition(taken));
        }

        await using var client = await RawStream.ConnectAsync(server.C2s);
        Assert.StartsWith("nurse@localhost/", await client.LoginAsync("nurse", "verona"), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Conformance", "XEP-0077 §3.3 §3.2")]
    public async Task Password_change_and_removal_after_login()
    {
        await using var server = await TestServer.StartAsync(("AllowRegistration", "true"));
        await server.CreateAccountAsync("juliet", "secret");
        await using (var client = await RawStream.ConnectAsync(server.C2s))
        {
            await client.LoginAsync("juliet", "secret");
            var changed = await AskAsync(client, "<iq type='set' id='c'><query xmlns='jabber:iq:register'><username>juliet</username><password>newer</password></query></iq>");
            Assert.Equal("result", changed.GetAttribute("type"));
        }

        await using var again = await RawStream.ConnectAsync(server.C2s);
        await again.LoginAsync("juliet", "newer");
        var removed = await AskAsync(again, "<iq type='set' id='x'><query xmlns='jabber:iq:register'><remove/></query></iq>");
        Assert.Equal("result", removed.GetAttribute("type"));
        await again.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }

    [Fact]
    public async Task Registration_is_off_by_default()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        var features = await client.SecureAsync();
        Assert.Null(features.Child("register", Namespaces.RegisterFeature));
        await client.SendAsync("<iq type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }
}
