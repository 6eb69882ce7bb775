using System.Diagnostics;
using System.Globalization;

namespace Parley.Cli.Bench;

/// <summary>
/// Delivered messages per second in a closed loop: each pair keeps at most WINDOW messages in
/// flight, sending up to 32 in one write as room opens. A window that does not move for five seconds
/// (a server that dropped messages) is counted as a stall and reopened.
/// </summary>
internal static class ThroughputLoad
{
    private const int MaxBatch = 32;
    private static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(BenchSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        await using var pairs = await MessagePairs.OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long stalls = 0;
        var sending = Enumerable.Range(0, pairs.Count).Select(pair => Task.Run(async () =>
        {
            var buffer = new byte[MaxBatch * pairs.MaxMessageBytes];
            var lastProgress = Stopwatch.GetTimestamp();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var room = settings.Window - (pairs.Sent[pair] - pairs.Received(pair));
                    if (room <= 0)
                    {
                        var wake = pairs.Signals[pair].Arm();
                        if (settings.Window - (pairs.Sent[pair] - pairs.Received(pair)) > 0 || stop.IsCancellationRequested)
                        {
                            continue;
                        }

                        var seen = pairs.Received(pair);
                        await wake.ConfigureAwait(false);
                        if (pairs.Received(pair) != seen)
                        {
                            lastProgress = Stopwatch.GetTimestamp();
                        }
                        else if (Stopwatch.GetElapsedTime(lastProgress) > StallAfter && !stop.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref stalls);
                            pairs.Sent[pair] = pairs.Received(pair);
                            lastProgress = Stopwatch.GetTimestamp();
                        }

                        continue;
                    }

                    var batch = (int)Math.Min(room, MaxBatch);
                    var length = pairs.Write(pair, batch, buffer);
                    pairs.Sent[pair] += batch;
                    await pairs.SendAsync(pair, buffer.AsMemory(0, length), stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException)
            {
                // Stopped, or the server closed the stream (counted by what was not delivered).
            }
        }, CancellationToken.None)).ToArray();

        // Wakes waiting senders twice a second, so a window that never moves is noticed without a timer per wait.
        var watchdog = Task.Run(async () =>
        {
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                while (await tick.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
                {
                    WakeAll(pairs);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }, CancellationToken.None);

        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds), cancellationToken).ConfigureAwait(false);
        var before = pairs.TotalReceived;
        var cpu = new CpuWindow(settings.ServerPid);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(settings.Seconds), cancellationToken).ConfigureAwait(false);
        var delivered = pairs.TotalReceived - before;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var usage = cpu.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        WakeAll(pairs);
        await Task.WhenAll([.. sending, watchdog]).ConfigureAwait(false);
        await pairs.DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);

        var rate = delivered / elapsed;
        var sent = pairs.Sent.Sum();
        var lost = sent - pairs.TotalReceived;
        await new BenchReport("throughput")
            .Add("pairs", pairs.Count).Add("window", settings.Window)
            .Add("rate", rate, "F0").Add("delivered", delivered).Add("lost", lost).Add("stalls", Interlocked.Read(ref stalls)).AddCpu(usage)
            .WriteAsync(output, string.Create(CultureInfo.InvariantCulture,
                $"throughput {pairs.Count} pairs window {settings.Window} against {settings.Describe()}: {rate:F0} msg/s delivered ({delivered} in {elapsed:F1} s, {lost} not delivered, {stalls} stalls; {BenchReport.Cores(usage)})"))
            .ConfigureAwait(false);
    }

    private static void WakeAll(MessagePairs pairs)
    {
        foreach (var signal in pairs.Signals)
        {
            signal.Signal();
        }
    }
}
