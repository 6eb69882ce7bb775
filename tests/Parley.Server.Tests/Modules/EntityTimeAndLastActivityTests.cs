using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Roster;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Modules;

/// <summary>XEP-0202 entity time and XEP-0012 last activity, which clients ask at every login (issue 12 item 7).</summary>
public sealed class EntityTimeAndLastActivityTests
{
    private static async Task<Element> AskAsync(RawStream client, string iq)
    {
        await client.SendAsync(iq);
        return await client.ExpectStanzaAsync("iq");
    }

    private static string? Condition(Element stanza) =>
        stanza.Child("error", Namespaces.Client)?.Children().FirstOrDefault(c => c.Namespace == Namespaces.Stanzas)?.Name;

    private static async Task PingAsync(RawStream client) =>
        Assert.Equal("result", (await AskAsync(client, "<iq type='get' id='sync' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")).GetAttribute("type"));

    [Fact]
    [Trait("Conformance", "XEP-0202 §3")]
    public async Task The_server_tells_its_time_in_utc()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using var _ = server;
        await using var __ = juliet;
        await using var ___ = romeo;

        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var reply = await AskAsync(juliet, "<iq type='get' id='t1' to='localhost'><time xmlns='urn:xmpp:time'/></iq>");

        Assert.Equal("result", reply.GetAttribute("type"));
        var time = reply.Child("time", Namespaces.Time)!;
        Assert.Equal("+00:00", time.ChildText("tzo", Namespaces.Time));
        var utc = DateTimeOffset.Parse(time.ChildText("utc", Namespaces.Time)!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(utc, before, DateTimeOffset.UtcNow.AddSeconds(5));
        var info = await AskAsync(juliet, "<iq type='get' id='d' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        var features = info.Child("query", Namespaces.DiscoInfo)!.Children().Select(f => f.GetAttribute("var")).ToList();
        Assert.Contains(Namespaces.Time, features);
        Assert.Contains(Namespaces.LastActivity, features);
    }

    [Fact]
    [Trait("Conformance", "XEP-0012 §5")]
    public async Task The_server_s_last_activity_is_its_uptime()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using var _ = server;
        await using var __ = juliet;
        await using var ___ = romeo;

        var reply = await AskAsync(juliet, "<iq type='get' id='l1' to='localhost'><query xmlns='jabber:iq:last'/></iq>");

        Assert.Equal("result", reply.GetAttribute("type"));
        var seconds = long.Parse(reply.Child("query", Namespaces.LastActivity)!.GetAttribute("seconds")!, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 0, 600);
    }

    [Fact]
    [Trait("Conformance", "XEP-0012 §4")]
    public async Task An_account_s_last_activity_is_told_to_its_subscribers_only()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using var _ = server;
        await using var __ = juliet;
        await server.CreateAccountAsync("nurse", "secret");
        await using var nurse = await RawStream.ConnectAsync(server.C2s);
        await nurse.LoginAsync("nurse", "secret", "hall");

        // Romeo shares his presence with juliet (she is subscribed to him), not with the nurse.
        var store = server.Services.GetRequiredService<IRosterStore>();
        await store.SaveAsync(Jid.Parse("romeo@localhost"), RosterItem.Bare(Jid.Parse("juliet@localhost"), new SubscriptionState(Subscription.From)), default);
        await store.SaveAsync(Jid.Parse("juliet@localhost"), RosterItem.Bare(Jid.Parse("romeo@localhost"), new SubscriptionState(Subscription.To)), default);
        const string Ask = "<iq type='get' id='l2' to='romeo@localhost'><query xmlns='jabber:iq:last'/></iq>";

        // Online and available: 0 seconds (§4).
        await juliet.SendAsync("<presence/>");
        await PingAsync(juliet);
        await romeo.SendAsync("<presence/>");
        await PingAsync(romeo);
        var online = await AskAsync(juliet, Ask);
        Assert.Equal("0", online.Child("query", Namespaces.LastActivity)!.GetAttribute("seconds"));

        // Offline: the seconds since he left (recorded before his unavailable presence goes out); the nurse, not subscribed, is refused.
        await romeo.DisposeAsync();
        while ((await juliet.ExpectStanzaAsync("presence")) is var presence
            && !(presence.GetAttribute("type") == "unavailable" && presence.GetAttribute("from")!.StartsWith("romeo@", StringComparison.Ordinal)))
        {
        }

        var offline = await AskAsync(juliet, Ask);
        Assert.Equal("result", offline.GetAttribute("type"));
        Assert.InRange(long.Parse(offline.Child("query", Namespaces.LastActivity)!.GetAttribute("seconds")!, CultureInfo.InvariantCulture), 0, 600);
        Assert.Equal("forbidden", Condition(await AskAsync(nurse, Ask)));
    }

    [Fact]
    [Trait("Conformance", "XEP-0012 §4")]
    public async Task An_account_s_last_logout_and_status_survive_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "parley-test-" + Guid.NewGuid().ToString("N"));
        const string Ask = "<iq type='get' id='l3' to='romeo@localhost'><query xmlns='jabber:iq:last'/></iq>";
        try
        {
            await using (var first = await TestServer.StartAsync(("DataDirectory", data)))
            {
                await first.CreateAccountAsync("juliet", "secret");
                await first.CreateAccountAsync("romeo", "secret");
                var rosters = first.Services.GetRequiredService<IRosterStore>();
                await rosters.SaveAsync(Jid.Parse("romeo@localhost"), RosterItem.Bare(Jid.Parse("juliet@localhost"), new SubscriptionState(Subscription.From)), default);
                await using var juliet = await RawStream.ConnectAsync(first.C2s);
                await juliet.LoginAsync("juliet", "secret", "balcony");

                // Romeo leaves with a status, then again without one from another resource: the status
                // of the last unavailable presence is the one kept (§4), with the time the last resource left.
                await using (var romeo = await RawStream.ConnectAsync(first.C2s))
                {
                    await romeo.LoginAsync("romeo", "secret", "garden");
                    await romeo.SendAsync("<presence/>");
                    await romeo.SendAsync("<presence type='unavailable'><status>Gone to the masque</status></presence>");

                    // Read before closing: a socket closed with unread data resets, and the server may lose what it had not read yet.
                    await PingAsync(romeo);
                    await romeo.SendAsync("</stream:stream>");
                }

                // Each ask is a round trip; until the server has seen the stream end the answer is 0
                // seconds (still available) or item-not-found (no logout yet).
                Element answer;
                var asked = 0;
                do
                {
                    answer = await AskAsync(juliet, Ask);
                }
                while (answer.Child("query", Namespaces.LastActivity)?.Text is null or "" && ++asked < 200);

                Assert.Equal("Gone to the masque", answer.Child("query", Namespaces.LastActivity)!.Text);
            }

            await using var second = await TestServer.StartAsync(("DataDirectory", data));
            await using var again = await RawStream.ConnectAsync(second.C2s);
            await again.LoginAsync("juliet", "secret", "balcony");
            await again.SendAsync("<presence/>");
            await PingAsync(again);
            var kept = (await AskAsync(again, Ask)).Child("query", Namespaces.LastActivity)!;
            Assert.Equal("Gone to the masque", kept.Text);
            Assert.InRange(long.Parse(kept.GetAttribute("seconds")!, CultureInfo.InvariantCulture), 0, 600);

            // Romeo's own view of himself is allowed too; coming back online makes it 0, and leaving without a status clears it.
            await using (var romeo = await RawStream.ConnectAsync(second.C2s))
            {
                await romeo.LoginAsync("romeo", "secret", "garden");
                await romeo.SendAsync("<presence/>");
                Assert.Equal("0", (await AskAsync(romeo, Ask)).Child("query", Namespaces.LastActivity)!.GetAttribute("seconds"));
                await romeo.SendAsync("</stream:stream>");
            }

            // The logout is stored before the unavailable presence the server sends for him goes out.
            while ((await again.ExpectStanzaAsync("presence")) is var presence
                && !(presence.GetAttribute("type") == "unavailable" && presence.GetAttribute("from")!.StartsWith("romeo@", StringComparison.Ordinal)))
            {
            }

            Assert.Equal("", (await AskAsync(again, Ask)).Child("query", Namespaces.LastActivity)!.Text);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
