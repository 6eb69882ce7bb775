using System.Diagnostics;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Xunit.Abstractions;
using static Parley.Server.Tests.Muc.MucClient;

namespace Parley.Server.Tests.Muc;

/// <summary>
/// The loopback room: 500 occupants, each a real client socket. Asserts that every occupant
/// sees every other one enter and gets a message sent to the room; prints the time to fill the room
/// and the fan-out latency of one message (figures for the closing note, not a benchmark).
/// Runs alone (the process-limits collection): its thousand sockets count against the test process's
/// open files, and its one-by-one entrances must not starve behind the other tests.
/// </summary>
[Collection(ProcessLimitsCollection.Name)]
public sealed class MucScaleTests(ITestOutputHelper output)
{
    private const int Occupants = 500;

    [Fact]
    [Trait("Conformance", "XEP-0045 §7.2 §7.4 (500 occupants)")]
    public async Task A_room_of_five_hundred_occupants_sees_every_entrance_and_every_message()
    {
        // 500 clients from one loopback address.
        await using var server = await TestServer.StartAsync(("Limits:MaxConnectionsPerIp", "600"));
        var clients = new RawStream[Occupants];
        var readers = new Task<(int Presences, long ReceivedAt)>[Occupants];
        try
        {
            var logins = Stopwatch.StartNew();
            foreach (var chunk in Enumerable.Range(0, Occupants).Chunk(25))
            {
                await Task.WhenAll(chunk.Select(async i =>
                {
                    await server.CreateAccountAsync($"u{i}", "secret");
                    clients[i] = await RawStream.ConnectAsync(server.C2s);
                    await clients[i].LoginAsync($"u{i}", "secret", "r");
                }));
            }

            logins.Stop();
            var fill = Stopwatch.StartNew();
            await clients[0].CreateInstantAsync("big", "u0");
            readers[0] = ReadUntilGoAsync(clients[0]);
            for (var i = 1; i < Occupants; i++)
            {
                var read = await clients[i].EnterAsync("big", $"u{i}", "<history maxstanzas='0'/>");
                Assert.Equal(i + 1, read.Count(e => e.Name == "presence"));

                // From here the occupant reads on its own, as a client does, while the others enter.
                readers[i] = ReadUntilGoAsync(clients[i]);
            }

            fill.Stop();
            var sent = Stopwatch.GetTimestamp();
            await clients[0].SendAsync($"<message to='big@{Service}' type='groupchat'><body>go</body></message>");
            var results = await Task.WhenAll(readers);

            // Each saw everyone who entered after it.
            for (var i = 0; i < Occupants; i++)
            {
                Assert.Equal(Occupants - 1 - i, results[i].Presences);
            }

            var latencies = results.Select(r => Stopwatch.GetElapsedTime(sent, r.ReceivedAt).TotalMilliseconds).Order().ToList();
            output.WriteLine($"{Occupants} occupants: logins {logins.Elapsed.TotalSeconds:F1} s; entering one by one {fill.Elapsed.TotalSeconds:F1} s "
                + $"({Occupants * (Occupants - 1) / 2} presences fanned out); one message to all: p50 {latencies[Occupants / 2]:F1} ms, last {latencies[^1]:F1} ms");
        }
        finally
        {
            foreach (var client in clients)
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Counts the entrances an occupant sees until the room's message arrives, and when it arrived.</summary>
    private static Task<(int Presences, long ReceivedAt)> ReadUntilGoAsync(RawStream client) => Task.Run(async () =>
    {
        var presences = 0;
        while (true)
        {
            var element = await client.ExpectAsync();
            if (element.Name == "presence")
            {
                presences++;
            }
            else if (element.Name == "message" && element.ChildText("body", Namespaces.Client) == "go")
            {
                return (presences, Stopwatch.GetTimestamp());
            }
        }
    });
}
