using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Parley.Server.Modules.Upload;

/// <summary>Modules:Upload:RetentionDays: at start and then hourly, files past it are deleted and expired slots forgotten.</summary>
internal sealed class UploadRetention(UploadStore store, IOptions<UploadOptions> options, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                store.Sweep();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Host shutdown.
        }
    }
}
