using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Roster;

/// <summary>RFC 6121 §2 over real sockets: roster get/set/remove, pushes, versioning, validation.</summary>
public sealed class RosterTests
{
    private const string Query = ImClient.RosterNamespace;

    private static async Task<TestServer> ServerAsync(params (string Key, string Value)[] settings)
    {
        var server = await TestServer.StartAsync(settings);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return server;
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §2.1.6 §2.2 §2.3 §2.5")]
    public async Task Set_get_remove_and_pushes_reach_interested_resources_only()
    {
        await using var server = await ServerAsync();
        await using var balcony = await ImClient.LoginAsync(server, "juliet", "balcony");
        await using var chamber = await ImClient.LoginAsync(server, "juliet", "chamber");
        await using var hall = await ImClient.LoginAsync(server, "juliet", "hall");
        Assert.Empty((await balcony.RosterAsync()).Child("query", Query)!.Children());
        await chamber.RosterAsync();

        var set = await balcony.SetItemAsync("<item jid='romeo@localhost' name='Romeo'><group>Friends</group><group>Lovers</group></item>");
        Assert.Equal("result", set.GetAttribute("type"));
        foreach (var resource in new[] { balcony, chamber })
        {
            var pushed = await resource.PushAsync("romeo@localhost");
            Assert.Equal("Romeo", pushed.GetAttribute("name"));
            Assert.Equal("none", pushed.GetAttribute("subscription"));
            Assert.Equal(["Friends", "Lovers"], pushed.Children("group", Query).Select(g => g.Text));
        }

        // RFC 6121 §2.1.6: a resource that never asked for the roster gets no pushes.
        await hall.QuietAsync(e => e.Name == "iq" && e.GetAttribute("type") == "set");

        var roster = (await hall.RosterAsync()).Child("query", Query)!;
        var item = Assert.Single(roster.Children("item", Query));
        Assert.Equal("romeo@localhost", item.GetAttribute("jid"));
        Assert.Null(item.GetAttribute("ask"));

        // RFC 6121 §2.4: an update replaces name and groups.
        await chamber.SetItemAsync("<item jid='romeo@localhost' name='Romeo Montague'/>");
        var updated = await hall.PushAsync("romeo@localhost");
        Assert.Equal("Romeo Montague", updated.GetAttribute("name"));
        Assert.Empty(updated.Children("group", Query));
        Assert.Equal("Romeo Montague", (await balcony.PushAsync("romeo@localhost")).GetAttribute("name"));
        Assert.Equal("Romeo Montague", (await chamber.PushAsync("romeo@localhost")).GetAttribute("name"));

        Assert.Equal("result", (await balcony.SetItemAsync("<item jid='romeo@localhost' subscription='remove'/>")).GetAttribute("type"));
        foreach (var resource in new[] { balcony, chamber, hall })
        {
            Assert.Equal("remove", (await resource.PushAsync("romeo@localhost")).GetAttribute("subscription"));
        }

        Assert.Empty((await balcony.RosterAsync()).Child("query", Query)!.Children());
        var unknown = await balcony.SetItemAsync("<item jid='nurse@localhost' subscription='remove'/>");
        Assert.Equal("item-not-found", ImClient.Condition(unknown));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §2.6")]
    public async Task Versioning_answers_a_current_version_with_an_empty_result()
    {
        await using var server = await ServerAsync();
        var raw = await RawStream.ConnectAsync(server.C2s);
        await raw.SecureAsync();
        await raw.AuthenticatePlainAsync("juliet", "secret");
        var features = await raw.OpenAsync();
        Assert.NotNull(features.Child("ver", "urn:xmpp:features:rosterver"));
        Assert.NotNull(features.Child("sub", "urn:xmpp:features:pre-approval"));
        await raw.DisposeAsync();

        await using var juliet = await ImClient.LoginAsync(server, "juliet", "balcony");
        var first = (await juliet.RosterAsync("")).Child("query", Query)!;
        var version = first.GetAttribute("ver");
        Assert.NotNull(version);

        var same = await juliet.RosterAsync(version);
        Assert.Equal("result", same.GetAttribute("type"));
        Assert.Null(same.FirstElement);

        await juliet.SetItemAsync("<item jid='romeo@localhost'/>");
        var push = await juliet.WaitForAsync(e => e.GetAttribute("type") == "set", "the push");
        var pushedVersion = push.Child("query", Query)!.GetAttribute("ver");
        Assert.NotEqual(version, pushedVersion);

        // RFC 6121 §2.6.3: an older version gets the whole roster (allowed instead of the pushes since).
        var full = (await juliet.RosterAsync(version)).Child("query", Query)!;
        Assert.Equal(pushedVersion, full.GetAttribute("ver"));
        Assert.Single(full.Children("item", Query));
        Assert.Null((await juliet.RosterAsync(pushedVersion)).FirstElement);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 §2.3.3")]
    [InlineData("<item jid='romeo@localhost'/><item jid='nurse@localhost'/>", "bad-request")]
    [InlineData("<item jid='romeo@localhost'><group>A</group><group>A</group></item>", "bad-request")]
    [InlineData("<item jid='romeo@localhost'><group></group></item>", "not-acceptable")]
    [InlineData("<item jid='romeo@localhost' name='NAME1024'/>", "not-acceptable")]
    [InlineData("<item jid='romeo@localhost'><group>NAME1024</group></item>", "not-acceptable")]
    [InlineData("<item jid='juliet@localhost'/>", "not-allowed")]
    [InlineData("<item jid='@localhost'/>", "jid-malformed")]
    [InlineData("", "bad-request")]
    public async Task Invalid_roster_sets_are_refused(string items, string condition)
    {
        await using var server = await ServerAsync();
        await using var juliet = await ImClient.LoginAsync(server, "juliet", "balcony");
        await juliet.RosterAsync();
        var reply = await juliet.IqAsync("set", $"<query xmlns='jabber:iq:roster'>{items.Replace("NAME1024", new string('x', 1024), StringComparison.Ordinal)}</query>");
        Assert.Equal("error", reply.GetAttribute("type"));
        Assert.Equal(condition, ImClient.Condition(reply));
        await juliet.QuietAsync(e => e.Name == "iq" && e.GetAttribute("type") == "set");
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §2.1.2 §2.3.3")]
    public async Task Subscription_ask_and_approved_in_a_set_are_ignored_and_1023_bytes_fit()
    {
        await using var server = await ServerAsync();
        await using var juliet = await ImClient.LoginAsync(server, "juliet", "balcony");
        var longest = new string('é', 511) + "x";
        var reply = await juliet.SetItemAsync($"<item jid='romeo@localhost' subscription='both' ask='subscribe' approved='true' name='{longest}'/>");
        Assert.Equal("result", reply.GetAttribute("type"));
        var item = Assert.Single((await juliet.RosterAsync()).Child("query", Query)!.Children("item", Query));
        Assert.Equal("none", item.GetAttribute("subscription"));
        Assert.Null(item.GetAttribute("ask"));
        Assert.Null(item.GetAttribute("approved"));
        Assert.Equal(longest, item.GetAttribute("name"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §2.1.5 §2.3.3")]
    public async Task Another_accounts_roster_is_forbidden()
    {
        await using var server = await ServerAsync();
        await using var juliet = await ImClient.LoginAsync(server, "juliet", "balcony");
        Assert.Equal("forbidden", ImClient.Condition(await juliet.IqAsync("get", "<query xmlns='jabber:iq:roster'/>", "romeo@localhost")));
        Assert.Equal("forbidden", ImClient.Condition(await juliet.IqAsync("set", "<query xmlns='jabber:iq:roster'><item jid='nurse@localhost'/></query>", "romeo@localhost")));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §2.3.3")]
    public async Task A_full_roster_refuses_new_items_but_updates_existing_ones()
    {
        await using var server = await ServerAsync(("Limits:MaxRosterItems", "2"));
        await server.CreateAccountAsync("tybalt", "secret");
        await using var juliet = await ImClient.LoginAsync(server, "juliet", "balcony");
        await juliet.RosterAsync();
        Assert.Equal("result", (await juliet.SetItemAsync("<item jid='romeo@localhost'/>")).GetAttribute("type"));
        Assert.Equal("result", (await juliet.SetItemAsync("<item jid='nurse@localhost'/>")).GetAttribute("type"));
        var third = await juliet.SetItemAsync("<item jid='tybalt@localhost'/>");
        Assert.Equal("not-allowed", ImClient.Condition(third));
        Assert.Equal("result", (await juliet.SetItemAsync("<item jid='nurse@localhost' name='Nurse'/>")).GetAttribute("type"));

        // A subscription request would add an item too.
        await juliet.SendAsync("<presence to='tybalt@localhost' type='subscribe' id='s1'/>");
        var refused = await juliet.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("id") == "s1", "the refused request");
        Assert.Equal("not-allowed", ImClient.Condition(refused));
        await juliet.SendAsync("<presence to='romeo@localhost' type='subscribe'/>");
        await juliet.WaitForAsync(e => ImClient.Item(e)?.GetAttribute("ask") == "subscribe", "the push of the pending request");
    }
}
