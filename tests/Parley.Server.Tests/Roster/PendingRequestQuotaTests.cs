using System.Text;
using Parley.Server.Tests.Federation;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Roster;

/// <summary>
/// Issue 11 item 3: a remote server minting JIDs sends one subscription request from each; the
/// account keeps at most Limits:MaxPendingSubscriptionsPerDomain from that domain and
/// Limits:MaxPendingSubscriptions in all (the new are refused, the pending stay), with status text
/// cut to Limits:MaxSubscriptionStatusBytes, so the redelivery at each login stays bounded.
/// </summary>
public sealed class PendingRequestQuotaTests
{
    [Fact]
    [Trait("Conformance", "RFC 6121 §3.1.3")]
    public async Task Requests_from_minted_jids_are_bounded_per_domain_and_per_account()
    {
        var (server, authority) = await RawPeerTests.StartAsync(
            settings: [("Limits:MaxRosterItems", "10"), ("Limits:MaxPendingSubscriptions", "15")]);
        await using var _ = authority;
        await using var __ = server;
        await using var bob = await SubscriptionTests.OnlineAsync(server, "bob", "laptop");
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        Assert.Equal("valid", (await RawPeerTests.DialbackAsync(raw, "x.example")).GetAttribute("type"));
        Assert.Equal("valid", (await RawPeerTests.DialbackAsync(raw, "y.example", open: false)).GetAttribute("type"));

        var longStatus = new string('é', 5000); // 10000 bytes: past Limits:MaxSubscriptionRequestBytes, so only the status is kept
        var flood = new StringBuilder($"<presence from='u0@x.example' to='bob@b.example' type='subscribe'><status>{longStatus}</status></presence>");
        for (var i = 1; i < 600; i++)
        {
            flood.Append(System.Globalization.CultureInfo.InvariantCulture, $"<presence from='u{i}@x.example' to='bob@b.example' type='subscribe'/>");
        }

        for (var i = 0; i < 20; i++)
        {
            flood.Append(System.Globalization.CultureInfo.InvariantCulture, $"<presence from='v{i}@y.example' to='bob@b.example' type='subscribe'/>");
        }

        // A message after the flood: the stream's stanzas are handled in order, so it comes last.
        flood.Append("<message from='eve@x.example' to='bob@b.example/laptop' type='chat' id='end'><body>done</body></message>");
        await raw.SendAsync(flood.ToString());

        // Delivered: the first 10 from x.example (per domain), then 5 from y.example (15 in all).
        var delivered = await SubscribesUntilAsync(bob.Raw, e => e.Name == "message" && e.GetAttribute("id") == "end");
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"u{i}@x.example"), .. Enumerable.Range(0, 5).Select(i => $"v{i}@y.example")], delivered);

        // Redelivered at the next login: the same 15, and the long status cut on a character boundary.
        await using var desk = await ImClient.LoginAsync(server, "bob", "desk");
        await desk.SendAsync("<presence/><iq type='get' id='after'><ping xmlns='urn:xmpp:ping'/></iq>");
        var statuses = new Dictionary<string, string?>();
        var redelivered = await SubscribesUntilAsync(desk.Raw, e => e.Name == "iq" && e.GetAttribute("id") == "after", statuses);
        Assert.Equal(delivered.Order(StringComparer.Ordinal), redelivered.Order(StringComparer.Ordinal));
        Assert.Equal(new string('é', 512), statuses["u0@x.example"]);
    }

    /// <summary>The senders of the subscription requests that arrive before the stanza <paramref name="end"/>.</summary>
    private static async Task<List<string>> SubscribesUntilAsync(RawStream raw, Func<Element, bool> end, Dictionary<string, string?>? statuses = null)
    {
        var senders = new List<string>();
        while (await raw.NextAsync() is { Kind: XmlStreamEventKind.Element, Element: { } element } && !end(element))
        {
            if (element.Name == "presence" && element.GetAttribute("type") == "subscribe")
            {
                var from = element.GetAttribute("from")!;
                senders.Add(from);
                statuses?.Add(from, element.ChildText("status", Namespaces.Client));
            }
        }

        return senders;
    }
}
