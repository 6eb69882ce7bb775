using System.Collections.Concurrent;
using System.Globalization;
using Parley.Xmpp.Sasl;

namespace Parley.Cli.Bench;

/// <summary>
/// Memory per idle session: reads the server's RSS, opens SESSIONS bound sessions
/// (PREFIX1..PREFIXN, resource "idle") CONCURRENCY at a time, waits the warm-up for the server
/// to settle, reads the RSS again and holds the sessions for the measured seconds.
/// </summary>
internal static class IdleLoad
{
    public static async Task RunAsync(BenchSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        long? before = settings.ServerPid is { } pid ? ProcessProbe.ResidentKib(pid) : null;
        var saltedPasswords = new ScramSaltedPasswordCache();
        var sessions = new ConcurrentBag<BenchConnection>();
        long next = 0, failed = 0;
        try
        {
            var cpu = new CpuWindow(settings.ServerPid);
            await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
            {
                long n;
                while ((n = Interlocked.Increment(ref next)) <= settings.Sessions)
                {
                    var user = settings.User((int)((n - 1) % settings.Users) + 1);
                    try
                    {
                        var connection = await BenchConnection.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
                        sessions.Add(connection);
                        await connection.LoginAsync(user, "idle", saltedPasswords, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or BenchFailureException or System.Security.Authentication.AuthenticationException)
                    {
                        if (Interlocked.Increment(ref failed) <= 3)
                        {
                            await error.WriteLineAsync($"session of {user} failed: {exception.Message}").ConfigureAwait(false);
                        }
                    }
                }
            }, cancellationToken))).ConfigureAwait(false);
            var opening = cpu.Stop();

            await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds), cancellationToken).ConfigureAwait(false);
            long? after = settings.ServerPid is { } server ? ProcessProbe.ResidentKib(server) : null;
            var held = settings.Sessions - Interlocked.Read(ref failed);
            var perSession = before is { } b && after is { } a && held > 0 ? (a - b) / (double)held : double.NaN;
            var tls = settings.Tls ? "on" : "off";
            var report = new BenchReport("idle").Add("tls", tls).Add("sessions", held).Add("failed", Interlocked.Read(ref failed));
            if (before is { } rssBefore && after is { } rssAfter)
            {
                report.Add("rss_before_kib", rssBefore).Add("rss_after_kib", rssAfter).Add("kib_per_session", perSession);
            }

            var memory = double.IsNaN(perSession) ? "" : string.Create(CultureInfo.InvariantCulture, $", server RSS {before} -> {after} KiB = {perSession:F1} KiB per session");
            await report.AddCpu(opening).WriteAsync(output, string.Create(CultureInfo.InvariantCulture,
                $"idle tls={tls} against {settings.Describe()}: {held} sessions held, {Interlocked.Read(ref failed)} failed{memory} (opening took {opening.Seconds:F1} s; {BenchReport.Cores(opening)})")).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(settings.Seconds), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var connection in sessions)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
