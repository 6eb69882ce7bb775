using System.Diagnostics;
using System.Globalization;

namespace Parley.Soak;

/// <summary>
/// The soak of issue #5 (scripts/soak.sh runs it against a fresh `parley serve`): many connections
/// churn for a bounded time (connect, log in, a few messages, then a clean close, a TCP reset or a
/// drop mid-stanza), and the server's RSS, threads and open descriptors are sampled at the start,
/// after warm-up and after the churn stopped and the server settled. Exit code 1 when sockets
/// or threads end above the start by more than the margins: something was not released.
/// </summary>
internal static class Program
{
    private const string Password = "soak-password";

    public static async Task<int> Main(string[] args)
    {
        var settings = SoakSettings.Parse(args);
        using var registration = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        for (var i = 0; i < settings.Users; i++)
        {
            await using var connection = await SoakConnection.ConnectAsync(settings, registration.Token);
            await connection.RegisterAsync(User(i), Password, registration.Token);
            await connection.CloseAsync(registration.Token);
        }

        var start = await SettledAsync("start", settings, baseline: null);
        var counters = new Counters();
        using var churn = new CancellationTokenSource(settings.Duration);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, settings.Concurrency).Select(w => Task.Run(() => WorkAsync(settings, w, counters, churn.Token))).ToList();
        var warmUp = Task.Delay(settings.Duration / 6);
        if (await Task.WhenAny(warmUp, Task.WhenAll(workers)) == warmUp)
        {
            Console.WriteLine(ProcessSample.Take("warm", settings.Pid) + "  " + counters.Snapshot(clock.Elapsed));
        }

        await Task.WhenAll(workers);
        Console.WriteLine("churn done " + counters.Snapshot(clock.Elapsed));
        var end = await SettledAsync("end", settings, start);

        foreach (var (reason, count) in counters.Reasons.OrderByDescending(r => r.Value))
        {
            Console.WriteLine($"failed {count,6}: {reason}");
        }

        Console.WriteLine(start);
        Console.WriteLine(end);
        // Sockets are what a leaked connection or session keeps; the pooled SQLite connections are
        // bounded by the peak of concurrent database calls and are reported, not judged.
        var leaked = end.Sockets > start.Sockets + settings.FdMargin || end.Threads > start.Threads + settings.ThreadMargin;
        Console.WriteLine(leaked
            ? $"FAIL: sockets or threads above the start by more than {settings.FdMargin}/{settings.ThreadMargin}"
            : "PASS: sockets and threads back to the start within the margins");
        return leaked ? 1 : 0;
    }

    private static string User(int i) => "soak" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>One connection after another until the churn ends; errors are counted, never fatal.</summary>
    private static async Task WorkAsync(SoakSettings settings, int worker, Counters counters, CancellationToken churn)
    {
        var random = new Random(worker);
        while (!churn.IsCancellationRequested)
        {
            using var step = CancellationTokenSource.CreateLinkedTokenSource(churn);
            step.CancelAfter(TimeSpan.FromSeconds(30));
            SoakConnection? connection = null;
            try
            {
                connection = await SoakConnection.ConnectAsync(settings, step.Token);
                await connection.LoginAsync(User(random.Next(settings.Users)), Password, step.Token);
                for (var m = random.Next(1, 4); m > 0; m--)
                {
                    await connection.SendAsync($"<message to='{User(random.Next(settings.Users))}@{settings.Domain}' type='chat'><body>soak {m}</body></message>", step.Token);
                    Interlocked.Increment(ref counters.Messages);
                }

                await connection.PingAsync(step.Token);
                switch (random.Next(3))
                {
                    case 0:
                        await connection.CloseAsync(step.Token);
                        Interlocked.Increment(ref counters.Clean);
                        break;
                    case 1:
                        connection.Reset();
                        Interlocked.Increment(ref counters.Reset);
                        break;
                    default:
                        await connection.SendAsync("<message to='soak0@localhost'><body>cut he", step.Token);
                        connection.Reset();
                        Interlocked.Increment(ref counters.MidStanza);
                        break;
                }
            }
            catch (Exception) when (churn.IsCancellationRequested)
            {
                // The run is over; a connection cut short here is part of the churn.
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref counters.Failed);
                counters.Reasons.AddOrUpdate(Reason(e), 1, (_, n) => n + 1);
            }
            finally
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
        }
    }

    /// <summary>
    /// Samples once the server has had time to release what the churn left: polls each second for
    /// up to 30 s until sockets and threads are back at the baseline (idle thread-pool threads
    /// retire after about 20 s); the baseline itself is taken once nothing changes for 5 s.
    /// </summary>
    private static async Task<ProcessSample> SettledAsync(string label, SoakSettings settings, ProcessSample? baseline)
    {
        var previous = ProcessSample.Take(label, settings.Pid);
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = ProcessSample.Take(label, settings.Pid);
            var settled = baseline is { } b
                ? now.Sockets <= b.Sockets && now.Threads <= b.Threads
                : now.OpenFds == previous.OpenFds && now.Threads == previous.Threads && i >= 4;
            if (settled)
            {
                return now;
            }

            previous = now;
        }

        return previous;
    }

    /// <summary>A failure's kind without its ids: the exception type and the stanza error condition, if any.</summary>
    private static string Reason(Exception e)
    {
        var message = e.Message;
        var condition = System.Text.RegularExpressions.Regex.Match(message, "<([a-z-]+) xmlns='urn:ietf:params:xml:ns:xmpp-(?:stanzas|streams|sasl)'");
        var subject = System.Text.RegularExpressions.Regex.Match(message, "^[a-z ]+");
        return $"{e.GetType().Name}: {subject.Value.Trim()}{(condition.Success ? " <" + condition.Groups[1].Value + "/>" : "")}";
    }

    private sealed class Counters
    {
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> Reasons = new();
        public long Clean;
        public long Reset;
        public long MidStanza;
        public long Failed;
        public long Messages;

        public string Snapshot(TimeSpan elapsed)
        {
            var sessions = Interlocked.Read(ref Clean) + Interlocked.Read(ref Reset) + Interlocked.Read(ref MidStanza);
            return string.Create(CultureInfo.InvariantCulture,
                $"after {elapsed.TotalSeconds:F0} s: sessions={sessions} ({sessions / Math.Max(1, elapsed.TotalSeconds):F0}/s) clean={Clean} reset={Reset} mid-stanza={MidStanza} failed={Failed} messages={Messages}");
        }
    }
}
