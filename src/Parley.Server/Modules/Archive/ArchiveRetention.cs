using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Diagnostics;
using Parley.Server.Hosting;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// Deletes archived messages older than Archive:RetentionDays, at start and then every
/// Archive:RetentionIntervalMinutes. Ids grow with time (<see cref="ArchiveIds"/>), so "older than"
/// is one range delete on the primary key.
/// </summary>
internal sealed class ArchiveRetention(IArchiveStore store, IOptions<ParleyOptions> options, TimeProvider time, ILogger<ArchiveRetention> logger)
    : BackgroundService
{
    /// <summary>One run: returns how many messages it deleted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.Archive.RetentionDays;
        if (days == 0)
        {
            return 0;
        }

        var deleted = await store.DeleteBelowAsync(ArchiveIds.FloorOf(time.GetUtcNow().AddDays(-days)), cancellationToken).ConfigureAwait(false);
        if (deleted != 0)
        {
            ArchiveLog.RetentionDeleted(logger, deleted, days);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var archive = options.Value.Archive;
        if (!archive.Enabled || archive.RetentionDays == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(archive.RetentionIntervalMinutes), time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ArchiveLog.RetentionFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
