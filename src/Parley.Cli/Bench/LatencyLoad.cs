using System.Diagnostics;
using System.Globalization;

namespace Parley.Cli.Bench;

/// <summary>
/// Latency at a fixed total rate: one paced loop sends the messages due every millisecond,
/// round-robin over the pairs, each stamped when written; receivers record send-to-receive time
/// in a histogram after the warm-up (p50, p99, max).
/// </summary>
internal static class LatencyLoad
{
    public static async Task RunAsync(BenchSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        await using var pairs = await MessagePairs.OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = Task.Run(async () =>
        {
            var buffer = new byte[pairs.MaxMessageBytes];
            var started = Stopwatch.GetTimestamp();
            long total = 0;
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
            try
            {
                while (await tick.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
                {
                    var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * settings.Rate);
                    for (; total < due; total++)
                    {
                        var pair = (int)(total % pairs.Count);
                        var length = pairs.Write(pair, 1, buffer);
                        pairs.Sent[pair]++;
                        await pairs.SendAsync(pair, buffer.AsMemory(0, length), stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException)
            {
                // Stopped, or the server closed the stream.
            }
        }, CancellationToken.None);

        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds), cancellationToken).ConfigureAwait(false);
        var histogram = new LatencyHistogram();
        pairs.RecordLatencies(histogram);
        var before = pairs.TotalReceived;
        var cpu = new CpuWindow(settings.ServerPid);
        var measuredFrom = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(settings.Seconds), cancellationToken).ConfigureAwait(false);
        var delivered = pairs.TotalReceived - before;
        var elapsed = Stopwatch.GetElapsedTime(measuredFrom).TotalSeconds;
        var usage = cpu.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        await sending.ConfigureAwait(false);
        await pairs.DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);

        var rate = delivered / elapsed;
        var p50 = histogram.Percentile(0.50) / 1000.0;
        var p99 = histogram.Percentile(0.99) / 1000.0;
        var max = histogram.Max / 1000.0;
        var lost = pairs.Sent.Sum() - pairs.TotalReceived;
        await new BenchReport("latency")
            .Add("pairs", pairs.Count).Add("target", settings.Rate).Add("rate", rate, "F0")
            .Add("p50_ms", p50, "F3").Add("p99_ms", p99, "F3").Add("max_ms", max, "F3").Add("samples", histogram.Count).Add("lost", lost).AddCpu(usage)
            .WriteAsync(output, string.Create(CultureInfo.InvariantCulture,
                $"latency {pairs.Count} pairs at {settings.Rate}/s against {settings.Describe()}: p50 {p50:F2} ms, p99 {p99:F2} ms, max {max:F2} ms ({rate:F0} msg/s delivered, {histogram.Count} samples, {lost} not delivered; {BenchReport.Cores(usage)})"))
            .ConfigureAwait(false);
    }
}
