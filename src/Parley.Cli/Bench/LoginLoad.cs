using System.Diagnostics;
using System.Globalization;
using Parley.Xmpp.Sasl;

namespace Parley.Cli.Bench;

/// <summary>
/// Logins per second: CONCURRENCY loops each connect, (STARTTLS,) authenticate, bind, send
/// initial presence and close, for the warm-up and then the measured seconds. SCRAM's salted
/// password is cached per account as real clients do, so the generator's PBKDF2 runs once per
/// account and what is measured is the server's share. With --logins N, exactly N logins are
/// made and timed from first to last instead.
/// </summary>
internal static class LoginLoad
{
    public static async Task RunAsync(BenchSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var saltedPasswords = new ScramSaltedPasswordCache();
        long next = 0, done = 0, failed = 0;
        var counted = settings.Logins is not null;
        var measuring = counted;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                if (n > settings.Logins)
                {
                    return;
                }

                var user = settings.User((int)(n % settings.Users) + 1);
                try
                {
                    await using var connection = await BenchConnection.ConnectAsync(settings, stop.Token).ConfigureAwait(false);
                    await connection.LoginAsync(user, "l" + n.ToString(CultureInfo.InvariantCulture), saltedPasswords, stop.Token).ConfigureAwait(false);
                    await connection.CloseAsync(stop.Token).ConfigureAwait(false);
                    if (Volatile.Read(ref measuring))
                    {
                        Interlocked.Increment(ref done);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or BenchFailureException or System.Security.Authentication.AuthenticationException)
                {
                    if (Interlocked.Increment(ref failed) <= 3)
                    {
                        await error.WriteLineAsync($"login of {user} failed: {exception.Message}").ConfigureAwait(false);
                    }
                }
            }
        }, CancellationToken.None)).ToArray();

        if (!counted)
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref measuring, true);
        }

        var cpu = new CpuWindow(settings.ServerPid);
        var started = Stopwatch.GetTimestamp();
        if (counted)
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.Seconds), cancellationToken).ConfigureAwait(false);
        }

        var logins = Interlocked.Read(ref done);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var usage = cpu.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);

        var rate = logins / elapsed;
        var tls = settings.Tls ? "on" : "off";
        await new BenchReport("logins")
            .Add("mechanism", settings.Mechanism).Add("tls", tls).Add("concurrency", settings.Concurrency)
            .Add("rate", rate).Add("logins", logins).Add("failed", Interlocked.Read(ref failed)).AddCpu(usage)
            .WriteAsync(output, string.Create(CultureInfo.InvariantCulture,
                $"logins {settings.Mechanism} tls={tls} x{settings.Concurrency} against {settings.Describe()}: {rate:F1}/s ({logins} in {elapsed:F1} s, {failed} failed; {BenchReport.Cores(usage)})"))
            .ConfigureAwait(false);
    }
}
