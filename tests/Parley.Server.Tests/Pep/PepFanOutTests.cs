using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Roster;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp.Addressing;
using Xunit.Abstractions;

namespace Parley.Server.Tests.Pep;

/// <summary>
/// The performance figure: one account publishing to 100 online contacts that want the node.
/// Asserts every contact gets every notification; prints the fan-out rate and the p99 latency from
/// the publish request to a contact's notification (figures for the closing note, not a benchmark).
/// </summary>
public sealed class PepFanOutTests(ITestOutputHelper output)
{
    private const string Node = "http://jabber.org/protocol/tune";
    private const int Contacts = 100;
    private const int Publishes = 20;

    [Fact]
    [Trait("Conformance", "XEP-0163 §4.3")]
    public async Task A_publish_reaches_a_hundred_online_contacts_filtered_by_caps()
    {
        // 101 clients from one loopback address.
        await using var server = await TestServer.StartAsync(("Limits:MaxConnectionsPerIp", "200"));
        await server.CreateAccountAsync("juliet", "secret");
        var rosters = server.Services.GetRequiredService<IRosterStore>();
        var juliet = Jid.Parse("juliet@localhost");
        var caps = new TestCaps("http://jabber.org/protocol/disco#info", Node + "+notify");
        var contacts = new List<ImClient>();
        try
        {
            for (var i = 0; i < Contacts; i++)
            {
                await server.CreateAccountAsync($"c{i}", "secret");
                await rosters.SaveAsync(juliet, RosterItem.Bare(Jid.Parse($"c{i}@localhost"), new SubscriptionState(Subscription.Both)), CancellationToken.None);
                await rosters.SaveAsync(Jid.Parse($"c{i}@localhost"), RosterItem.Bare(juliet, new SubscriptionState(Subscription.Both)), CancellationToken.None);
            }

            await using var owner = await ImClient.LoginAsync(server, "juliet", "balcony");
            await owner.PublishAsync(Node, "t0", "<tune xmlns='http://jabber.org/protocol/tune'><title>0</title></tune>");
            for (var i = 0; i < Contacts; i++)
            {
                var contact = await ImClient.LoginAsync(server, $"c{i}", "r");
                contact.Caps = new TestCaps([.. caps.Features]);
                contacts.Add(contact);
                await contact.SendAsync(caps.Presence(to: "juliet@localhost"));

                // The last item proves the contact is known, with its caps, before the measurement.
                await contact.EventAsync("juliet@localhost", Node);
            }

            var latencies = new List<double>();
            var total = Stopwatch.StartNew();
            for (var p = 1; p <= Publishes; p++)
            {
                var sent = Stopwatch.GetTimestamp();
                await owner.SendAsync($"<iq type='set' id='p{p}'><pubsub xmlns='{PepClients.PubSub}'><publish node='{Node}'><item id='t{p}'><tune xmlns='http://jabber.org/protocol/tune'><title>{p}</title></tune></item></publish></pubsub></iq>");
                var received = await Task.WhenAll(contacts.Select(async c =>
                {
                    var items = await c.EventAsync("juliet@localhost", Node);
                    Assert.Equal($"t{p}", items.Child("item", PepClients.Event)!.GetAttribute("id"));
                    return Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                }));
                latencies.AddRange(received);
                await owner.WaitForAsync(e => e.GetAttribute("id") == $"p{p}", "the publish result");
            }

            total.Stop();
            latencies.Sort();
            var p99 = latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
            output.WriteLine($"PEP fan-out: {Publishes} publishes x {Contacts} contacts = {latencies.Count} notifications in {total.Elapsed.TotalMilliseconds:F0} ms "
                + $"({latencies.Count / total.Elapsed.TotalSeconds:F0} notifications/s); latency p50 {latencies[latencies.Count / 2]:F1} ms, p99 {p99:F1} ms; caps questions asked: {contacts.Sum(c => c.Caps!.Asked)}");
            Assert.Equal(Contacts * Publishes, latencies.Count);
            Assert.True(contacts.Sum(c => c.Caps!.Asked) <= 1, "one caps question for one ver");
        }
        finally
        {
            foreach (var contact in contacts)
            {
                await contact.DisposeAsync();
            }
        }
    }
}
