using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace Parley.Server.Connections;

/// <summary>
/// One clock for every connection timeout (Kestrel's Heartbeat idea): a single periodic loop on
/// <see cref="TimeProvider"/> that lets each live connection compare timestamps, instead of a
/// timer per connection.
/// </summary>
internal sealed class Heartbeat(TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<IHeartbeatTarget, byte> _targets = new();

    public TimeProvider Time => time;

    public void Register(IHeartbeatTarget target) => _targets.TryAdd(target, 0);

    public void Unregister(IHeartbeatTarget target) => _targets.TryRemove(target, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = time.GetTimestamp();
                foreach (var target in _targets.Keys)
                {
                    target.OnHeartbeat(now);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Host shutdown.
        }
    }
}
