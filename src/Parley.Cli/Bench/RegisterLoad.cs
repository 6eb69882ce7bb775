using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Cli.Bench;

/// <summary>
/// Creates PREFIX1..PREFIXN with the bench password: in a Parley data folder through the account
/// service (as `parley user add`), or on any server by in-band registration (XEP-0077), which the
/// anchors allow. An account that already exists counts as done, so setup can be repeated.
/// </summary>
internal static class RegisterLoad
{
    public static async Task RunDirectAsync(BenchSettings settings, Microsoft.Extensions.Configuration.IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => CliLogging.Configure(logging, LogLevel.Warning));
        services.AddParleyCore(configuration);
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<SqlDatabase>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        var accounts = provider.GetRequiredService<AccountService>();
        long created = 0, existed = 0, failed = 0;
        // Deriving the SCRAM keys is the cost (PBKDF2 per hash): one account per core at a time.
        await Parallel.ForEachAsync(Enumerable.Range(1, settings.Users), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var jid = Jid.Parse(settings.User(i) + "@" + settings.Domain);
            if (await accounts.ExistsAsync(jid, token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref existed);
                return;
            }

            var result = await accounts.CreateAsync(jid, settings.Password, token).ConfigureAwait(false);
            Interlocked.Increment(ref result == AccountResult.Succeeded ? ref created : ref result == AccountResult.AlreadyExists ? ref existed : ref failed);
        }).ConfigureAwait(false);
        await WriteAsync(output, "data", created, existed, failed).ConfigureAwait(false);
    }

    public static async Task RunInBandAsync(BenchSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        long ok = 0, failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, settings.Users), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken }, async (i, token) =>
        {
            try
            {
                await using var connection = await BenchConnection.ConnectAsync(settings, token).ConfigureAwait(false);
                var done = await connection.RegisterAsync(settings.User(i), token).ConfigureAwait(false);
                await connection.CloseAsync(token).ConfigureAwait(false);
                Interlocked.Increment(ref done ? ref ok : ref failed);
            }
            catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or BenchFailureException)
            {
                if (Interlocked.Increment(ref failed) <= 3)
                {
                    await error.WriteLineAsync($"registration of {settings.User(i)} failed: {exception.Message}").ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
        await WriteAsync(output, "in-band", ok, 0, failed).ConfigureAwait(false);
    }

    private static Task WriteAsync(TextWriter output, string how, long created, long existed, long failed) =>
        new BenchReport("register").Add("how", how).Add("created", created).Add("existed", existed).Add("failed", failed)
            .WriteAsync(output, string.Create(CultureInfo.InvariantCulture, $"register ({how}): {created} created, {existed} already there, {failed} failed"));
}
