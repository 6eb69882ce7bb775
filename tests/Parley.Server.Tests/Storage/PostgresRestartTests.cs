using System.Collections.Concurrent;
using System.Diagnostics;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using static Parley.Server.Tests.Messages.Chat;

namespace Parley.Server.Tests.Storage;

/// <summary>
/// Issue #13 "Bad input": the PostgreSQL server stops and comes back while clients keep writing.
/// Meanwhile requests fail as a SQLite fault does (RFC 6120 §8.3.3.5 internal-server-error, a
/// message for an offline user bounced to its sender), the server keeps serving, writes work
/// again once the database is back without a restart, and every message that was not bounced
/// is delivered afterwards.
/// </summary>
public sealed class PostgresRestartTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.3.3.5")]
    public async Task Requests_fail_while_postgresql_is_down_then_recover_and_nothing_acknowledged_is_lost()
    {
        // A server of its own (the shared one runs without fsync), so stopping it disturbs no other test.
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        await using var server = await TestServer.StartAsync(
            ("Storage:Provider", "postgresql"),
            ("Storage:ConnectionString", postgres.ConnectionString(database)),
            ("Limits:MaxOfflineMessages", "100000"));
        server.ErrorsExpected = true;
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await server.CreateAccountAsync("nurse", "secret");
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await using var nurse = await OnlineAsync(server, "nurse", "kitchen");

        // Load: juliet writes to offline romeo, the nurse changes her roster, both without pause.
        using var stop = new CancellationTokenSource();
        var messages = new ConcurrentQueue<(string Id, bool Stored)>();
        var rosterAnswers = new ConcurrentQueue<string>();
        var sending = Task.Run(() => SendMessagesAsync(juliet, messages, stop.Token));
        var editing = Task.Run(() => EditRosterAsync(nurse, rosterAnswers, stop.Token));

        await UntilAsync(() => messages.Count(m => m.Stored) >= 20 && rosterAnswers.Count(a => a == "result") >= 5, "writes before the stop", sending, editing);
        await postgres.StopAsync();
        var stoppedAt = messages.Count;
        var rosterStoppedAt = rosterAnswers.Count;
        await UntilAsync(() => messages.Skip(stoppedAt).Count(m => !m.Stored) >= 5 && rosterAnswers.Skip(rosterStoppedAt).Any(a => a == "internal-server-error"), "failures while stopped", sending, editing);

        await postgres.StartAgainAsync();
        var restartedAt = messages.Count;
        var rosterRestartedAt = rosterAnswers.Count;
        await UntilAsync(() => messages.Skip(restartedAt).Count(m => m.Stored) >= 20 && rosterAnswers.Skip(rosterRestartedAt).Count(a => a == "result") >= 5, "writes after the restart", sending, editing);
        await stop.CancelAsync();
        await Task.WhenAll(sending, editing);

        // Recovered for good: the last answers are successes again.
        Assert.True(messages.Last().Stored);
        Assert.Equal("result", rosterAnswers.Last());
        Assert.All(rosterAnswers, a => Assert.Contains(a, new[] { "result", "internal-server-error" }));

        // Every message that was not bounced reaches romeo, once, in order; none is invented.
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        var delivered = new List<string>();
        while (delivered.Count < messages.Count(m => m.Stored))
        {
            var batch = await MessagesUntilPongAsync(romeo);
            Assert.NotEmpty(batch);
            delivered.AddRange(batch.Select(m => m.GetAttribute("id")!));
        }

        Assert.Equal(messages.Where(m => m.Stored).Select(m => m.Id), delivered);
        await romeo.ExpectNothingPendingAsync();
    }

    /// <summary>Sends one message at a time, then pings: a bounce arrives before the answer (one connection is routed in order).</summary>
    private static async Task SendMessagesAsync(RawStream juliet, ConcurrentQueue<(string, bool)> outcomes, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var id = "m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await juliet.SendAsync($"<message to='romeo@localhost' type='chat' id='{id}'><body>{id}</body></message>");
            await juliet.SendAsync($"<iq type='get' id='p-{id}'><ping xmlns='urn:xmpp:ping'/></iq>");
            var stored = true;
            while (true)
            {
                var element = await juliet.ExpectAsync();
                if (element.Name == "message" && element.GetAttribute("id") == id)
                {
                    Assert.Equal("error", element.GetAttribute("type"));
                    Assert.Equal("internal-server-error", Exchange.Condition(element));
                    stored = false;
                }
                else if (element.Name == "iq" && element.GetAttribute("id") == "p-" + id)
                {
                    break;
                }
            }

            outcomes.Enqueue((id, stored));
        }
    }

    private static async Task EditRosterAsync(RawStream nurse, ConcurrentQueue<string> answers, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var reply = await nurse.AskAsync($"<iq type='set' id='r{i}'><query xmlns='jabber:iq:roster'><item jid='friend{i % 50}@localhost' name='n{i}'/></query></iq>");
            answers.Enqueue(reply.GetAttribute("type") == "result" ? "result" : Exchange.Condition(reply) ?? reply.ToString());
        }
    }

    /// <summary>Waits (bounded) for the load to reach a state; a failed load task fails the test at once.</summary>
    private static async Task UntilAsync(Func<bool> reached, string what, params Task[] load)
    {
        var clock = Stopwatch.StartNew();
        while (!reached())
        {
            if (load.FirstOrDefault(t => t.IsCompleted) is { } ended)
            {
                await ended;
                Assert.Fail($"The load ended before {what}.");
            }

            Assert.True(clock.Elapsed < Bound, $"No {what} within {Bound.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }
}
