using System.Diagnostics;
using System.Globalization;
using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Cli.Bench;

/// <summary>
/// Roster fetch latency (RFC 6121 §2.1.3), the storage-bound read of every login: CONCURRENCY
/// accounts (PREFIX1..PREFIXC) each get a roster of <see cref="Items"/> contacts, then fetch it
/// in a closed loop (one get in flight per connection); after the warm-up every fetch's
/// round trip goes into a histogram. Reports fetches per second, p50, p99 and max.
/// </summary>
internal static class RosterLoad
{
    private const int Items = 20;

    public static async Task RunAsync(BenchSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var saltedPasswords = new ScramSaltedPasswordCache();
        var histogram = new LatencyHistogram();
        var measuring = false;
        long fetches = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ready = 0;
        var clients = Enumerable.Range(1, settings.Concurrency).Select(client => Task.Run(async () =>
        {
            await using var connection = await BenchConnection.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
            await connection.LoginAsync(settings.User(client), "roster", saltedPasswords, cancellationToken).ConfigureAwait(false);
            // RFC 6121 §2.3.2: one item per set; setting an existing item again only updates it.
            for (var i = 0; i < Items; i++)
            {
                await connection.SendAsync(Encoding.UTF8.GetBytes($"<iq type='set' id='s{i}'><query xmlns='jabber:iq:roster'><item jid='contact{i}@{settings.Domain}' name='Contact {i}'><group>Bench</group></item></query></iq>"), cancellationToken).ConfigureAwait(false);
                await OfflineLoad.ReadUntilIdAsync(connection, "s" + i.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref ready);
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"g{n}");
                var sent = Stopwatch.GetTimestamp();
                await connection.SendAsync(Encoding.UTF8.GetBytes($"<iq type='get' id='{id}'><query xmlns='jabber:iq:roster'/></iq>"), cancellationToken).ConfigureAwait(false);
                await OfflineLoad.ReadUntilIdAsync(connection, id, cancellationToken).ConfigureAwait(false);
                if (Volatile.Read(ref measuring))
                {
                    histogram.Record((long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
                    Interlocked.Increment(ref fetches);
                }
            }

            await connection.CloseAsync(cancellationToken).ConfigureAwait(false);
        }, CancellationToken.None)).ToArray();

        while (Volatile.Read(ref ready) < settings.Concurrency && !clients.Any(c => c.IsFaulted))
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref measuring, true);
        var cpu = new CpuWindow(settings.ServerPid);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(settings.Seconds), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref measuring, false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var usage = cpu.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(clients).ConfigureAwait(false);

        var rate = Interlocked.Read(ref fetches) / elapsed;
        var p50 = histogram.Percentile(0.50) / 1000.0;
        var p99 = histogram.Percentile(0.99) / 1000.0;
        var max = histogram.Max / 1000.0;
        await new BenchReport("roster")
            .Add("concurrency", settings.Concurrency).Add("items", Items).Add("rate", rate, "F0")
            .Add("p50_ms", p50, "F3").Add("p99_ms", p99, "F3").Add("max_ms", max, "F3").AddCpu(usage)
            .WriteAsync(output, string.Create(CultureInfo.InvariantCulture,
                $"roster fetch x{settings.Concurrency} ({Items} items) against {settings.Describe()}: p50 {p50:F2} ms, p99 {p99:F2} ms, max {max:F2} ms ({rate:F0} fetches/s; {BenchReport.Cores(usage)})"))
            .ConfigureAwait(false);
    }
}
