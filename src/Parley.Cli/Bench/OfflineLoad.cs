using System.Diagnostics;
using System.Globalization;
using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Cli.Bench;

/// <summary>
/// Offline store-and-deliver (XEP-0160), the storage-bound message path: CONCURRENCY senders
/// (PREFIX1..PREFIXC) write chat messages round-robin to the accounts nobody is logged in as
/// (the rest of PREFIX1..PREFIXN), each batch of 16 confirmed by a ping answered after the server
/// stored it, for the measured seconds; then the recipients log in, CONCURRENCY at a time, and
/// take every stored message. Reports stored and delivered messages per second.
/// </summary>
internal static class OfflineLoad
{
    private const int Batch = 16;

    public static async Task RunAsync(BenchSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var recipients = settings.Users - settings.Concurrency;
        if (recipients < 1)
        {
            throw new UsageException("offline needs --users larger than --concurrency (the rest are the offline recipients)");
        }

        var saltedPasswords = new ScramSaltedPasswordCache();
        var queued = new long[recipients];
        long stored = 0;
        // Every sender logs in first: what is timed is storing, not logging in.
        var connections = await Task.WhenAll(Enumerable.Range(1, settings.Concurrency).Select(async sender =>
        {
            var connection = await BenchConnection.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
            await connection.LoginAsync(settings.User(sender), "offline", saltedPasswords, cancellationToken).ConfigureAwait(false);
            return connection;
        })).ConfigureAwait(false);
        var cpu = new CpuWindow(settings.ServerPid);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(settings.Seconds));
        var started = Stopwatch.GetTimestamp();
        var senders = Enumerable.Range(1, settings.Concurrency).Select(sender => Task.Run(async () =>
        {
            await using var connection = connections[sender - 1];
            for (long round = 0; !stop.IsCancellationRequested; round++)
            {
                var batch = new StringBuilder();
                for (var i = 0; i < Batch; i++)
                {
                    var recipient = (int)((((round * Batch) + i) * settings.Concurrency + sender) % recipients);
                    Interlocked.Increment(ref queued[recipient]);
                    batch.Append(CultureInfo.InvariantCulture, $"<message to='{settings.User(settings.Concurrency + 1 + recipient)}@{settings.Domain}' type='chat'><body>offline {round}</body></message>");
                }

                var ping = string.Create(CultureInfo.InvariantCulture, $"o{round}");
                batch.Append(CultureInfo.InvariantCulture, $"<iq type='get' id='{ping}'><ping xmlns='urn:xmpp:ping'/></iq>");
                await connection.SendAsync(Encoding.UTF8.GetBytes(batch.ToString()), cancellationToken).ConfigureAwait(false);
                await ReadUntilIdAsync(connection, ping, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref stored, Batch);
            }

            await connection.CloseAsync(cancellationToken).ConfigureAwait(false);
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(senders).ConfigureAwait(false);
        var storeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var storeCpu = cpu.Stop();

        cpu = new CpuWindow(settings.ServerPid);
        started = Stopwatch.GetTimestamp();
        long next = -1, delivered = 0;
        var takers = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            for (var recipient = Interlocked.Increment(ref next); recipient < recipients; recipient = Interlocked.Increment(ref next))
            {
                if (queued[recipient] == 0)
                {
                    continue;
                }

                await using var connection = await BenchConnection.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
                await connection.LoginAsync(settings.User(settings.Concurrency + 1 + (int)recipient), "take", saltedPasswords, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < queued[recipient]; i++)
                {
                    await connection.Reader.ReadUntilAsync("</message>"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                }

                Interlocked.Add(ref delivered, queued[recipient]);
                await connection.CloseAsync(cancellationToken).ConfigureAwait(false);
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(takers).ConfigureAwait(false);
        var deliverSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var deliverCpu = cpu.Stop();

        var storeRate = stored / storeSeconds;
        var deliverRate = delivered / deliverSeconds;
        await new BenchReport("offline")
            .Add("concurrency", settings.Concurrency).Add("rate", storeRate).Add("deliver_rate", deliverRate)
            .Add("stored", stored).Add("delivered", delivered).Add("deliver_seconds", deliverSeconds, "F2")
            .Add("deliver_server_cpu", deliverCpu.Server ?? 0, "F2").AddCpu(storeCpu)
            .WriteAsync(output, string.Create(CultureInfo.InvariantCulture,
                $"offline x{settings.Concurrency} against {settings.Describe()}: stored {storeRate:F0} msg/s ({stored} in {storeSeconds:F1} s; {BenchReport.Cores(storeCpu)}), delivered {deliverRate:F0} msg/s ({delivered} in {deliverSeconds:F1} s at login)"))
            .ConfigureAwait(false);
    }

    /// <summary>Reads IQs until the one with <paramref name="id"/> (messages and pushes before it are skipped).</summary>
    internal static async Task ReadUntilIdAsync(BenchConnection connection, string id, CancellationToken cancellationToken)
    {
        var single = $"id='{id}'";
        var quoted = $"id=\"{id}\"";
        while (true)
        {
            var (_, element, _) = await connection.Reader.ReadElementAsync(["iq"], cancellationToken).ConfigureAwait(false);
            if (element.Contains(single, StringComparison.Ordinal) || element.Contains(quoted, StringComparison.Ordinal))
            {
                return;
            }
        }
    }
}
