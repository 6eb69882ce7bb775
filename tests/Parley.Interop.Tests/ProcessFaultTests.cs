using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests;

/// <summary>
/// Issue #5 "Faults" with the real <c>parley serve</c> process: killed with SIGKILL while it stores
/// offline messages, and stopped with SIGTERM while clients are connected. Each test runs its own
/// server (not the shared collection one) because it stops it.
/// XMPP has no delivery receipt for c2s without XEP-0198, so "acknowledged" means: the sender got
/// the answer to an IQ it sent after the message. A connection's stanzas are handled in order
/// (RFC 6120 §10.1), so by then the message was stored.
/// </summary>
public sealed class ProcessFaultTests
{
    /// <summary>The generic host's default shutdown timeout, the bound docs/security.md gives for a SIGTERM.</summary>
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(30);

    [Fact]
    [Trait("Conformance", "XEP-0160 §3")]
    public async Task Sigkill_while_offline_messages_are_stored_loses_nothing_acknowledged_and_duplicates_nothing()
    {
        var server = new ParleyServer();
        await server.InitializeAsync();
        try
        {
            var alice = await server.CreateAccountAsync("alice");
            var bob = await server.CreateAccountAsync("bob");
            const int Acknowledged = 100;
            const int InFlight = 300;

            await using (var sender = new XmppClient(server.ClientOptions(alice)))
            {
                await sender.ConnectAsync();
                for (var i = 1; i <= Acknowledged; i++)
                {
                    await sender.SendAsync(Message(bob.Jid, i));
                }

                await PingAsync(sender);

                // The observable point: every earlier message is stored. More go out without waiting,
                // and the server is killed while it works through them.
                var streaming = Task.Run(async () =>
                {
                    try
                    {
                        for (var i = Acknowledged + 1; i <= Acknowledged + InFlight; i++)
                        {
                            await sender.SendAsync(Message(bob.Jid, i));
                        }
                    }
                    catch (Exception e) when (e is IOException or InvalidOperationException or StreamErrorException or OperationCanceledException)
                    {
                        // The server died under the sender: expected.
                    }
                });
                await server.KillAsync();
                await streaming;
            }

            await server.InitializeAsync();
            var ids = await ReadOfflineAsync(server, bob);

            // Nothing acknowledged is lost, nothing is stored twice, and the order is the sending order.
            Assert.Equal(ids.Distinct(), ids);
            Assert.Equal(ids.Order(), ids);
            Assert.All(Enumerable.Range(1, Acknowledged), i => Assert.Contains(i, ids));
            Assert.All(ids, i => Assert.InRange(i, 1, Acknowledged + InFlight));

            // Delivered once: a second login finds the queue empty.
            Assert.Empty(await ReadOfflineAsync(server, bob));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.17")]
    public async Task Sigterm_ends_every_stream_with_system_shutdown_keeps_stored_messages_and_exits_in_bound()
    {
        var server = new ParleyServer();
        await server.InitializeAsync();
        try
        {
            var alice = await server.CreateAccountAsync("alice");
            var bob = await server.CreateAccountAsync("bob");
            var carol = await server.CreateAccountAsync("carol");

            var clients = new List<XmppClient>();
            foreach (var account in new[] { alice, carol, alice })
            {
                var client = new XmppClient(server.ClientOptions(account));
                await client.ConnectAsync();
                clients.Add(client);
            }

            for (var i = 1; i <= 20; i++)
            {
                await clients[0].SendAsync(Message(bob.Jid, i));
            }

            await PingAsync(clients[0]);

            var (exitCode, elapsed) = await server.TerminateAsync(ShutdownBound);
            Assert.Equal(0, exitCode);
            Assert.InRange(elapsed, TimeSpan.Zero, ShutdownBound);
            foreach (var client in clients)
            {
                var error = await Assert.ThrowsAsync<StreamErrorException>(async () =>
                {
                    while (await client.ReadStanzaAsync() is not null)
                    {
                    }
                });
                Assert.Equal(StreamErrorCondition.SystemShutdown, error.Condition);
                await client.DisposeAsync();
            }

            await server.InitializeAsync();
            Assert.Equal(Enumerable.Range(1, 20), await ReadOfflineAsync(server, bob));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>
    /// XEP-0313 archive writes are batched off the delivery path, and a query waits for every message
    /// archived before it to be committed (docs/operations.md "Archive"): whatever a query counted is
    /// on disk, so it survives a SIGKILL that hits while more messages are being archived; what was
    /// in flight may be missing, but nothing is archived twice.
    /// </summary>
    [Fact]
    [Trait("Conformance", "XEP-0313 §4.2")]
    public async Task Archived_messages_a_query_returned_survive_a_kill()
    {
        var server = new ParleyServer();
        await server.InitializeAsync();
        try
        {
            var alice = await server.CreateAccountAsync("alice");
            var bob = await server.CreateAccountAsync("bob");
            const int Counted = 200;
            const int InFlight = 300;

            await using (var sender = new XmppClient(server.ClientOptions(alice)))
            {
                await sender.ConnectAsync();
                for (var i = 1; i <= Counted; i++)
                {
                    await sender.SendAsync(Message(bob.Jid, i));
                }

                Assert.Equal(Counted, await ArchiveCountAsync(sender));
                var streaming = Task.Run(async () =>
                {
                    try
                    {
                        for (var i = Counted + 1; i <= Counted + InFlight; i++)
                        {
                            await sender.SendAsync(Message(bob.Jid, i));
                        }
                    }
                    catch (Exception e) when (e is IOException or InvalidOperationException or StreamErrorException or OperationCanceledException)
                    {
                        // The server died under the sender: expected.
                    }
                });
                await server.KillAsync();
                await streaming;
            }

            await server.InitializeAsync();
            await using var reader = new XmppClient(server.ClientOptions(alice));
            await reader.ConnectAsync();
            Assert.InRange(await ArchiveCountAsync(reader), Counted, Counted + InFlight);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A XEP-0313 query for the count alone (RSM max 0): answered once everything archived before it is committed.</summary>
    private static async Task<int> ArchiveCountAsync(XmppClient client)
    {
        var iq = new Element("iq", Namespaces.Client).SetAttribute("type", "set").SetAttribute("id", "mam-" + Guid.NewGuid().ToString("N"));
        iq.AddElement("query", Namespaces.Mam).AddElement("set", Namespaces.Rsm).AddElement("max").AddText("0");
        var answer = await client.SendIqAsync(iq);
        Assert.Equal("result", answer.GetAttribute("type"));
        return int.Parse(answer.Child("fin", Namespaces.Mam)!.Child("set", Namespaces.Rsm)!.ChildText("count", Namespaces.Rsm)!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Element Message(Jid to, int n)
    {
        var message = new Element("message", Namespaces.Client).SetAttribute("to", to.ToString()).SetAttribute("type", "chat").SetAttribute("id", "m" + n);
        message.AddElement("body").AddText(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return message;
    }

    private static async Task PingAsync(XmppClient client)
    {
        var ping = new Element("iq", Namespaces.Client).SetAttribute("type", "get").SetAttribute("id", "ping-" + Guid.NewGuid().ToString("N"));
        ping.AddElement("ping", "urn:xmpp:ping");
        var answer = await client.SendIqAsync(ping);
        Assert.Equal("result", answer.GetAttribute("type"));
    }

    /// <summary>
    /// Logs in, sends initial presence (which flushes the offline queue, XEP-0160 §3), then a message
    /// to its own full JID as an end marker: it is queued after everything the flush queued.
    /// </summary>
    private static async Task<List<int>> ReadOfflineAsync(ParleyServer server, TestAccount account)
    {
        await using var client = new XmppClient(server.ClientOptions(account));
        var jid = await client.ConnectAsync();
        await client.SendAsync(new Element("presence", Namespaces.Client));
        var end = new Element("message", Namespaces.Client).SetAttribute("to", jid.ToString()).SetAttribute("type", "chat").SetAttribute("id", "end");
        end.AddElement("body").AddText("end");
        await client.SendAsync(end);

        using var timeout = new CancellationTokenSource(ChatMessages.Timeout);
        var ids = new List<int>();
        while (await client.ReadStanzaAsync(timeout.Token) is { } stanza)
        {
            if (stanza.Name != "message")
            {
                continue;
            }

            var id = stanza.GetAttribute("id")!;
            if (id == "end")
            {
                break;
            }

            ids.Add(int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture));
        }

        await client.CloseAsync();
        return ids;
    }
}
