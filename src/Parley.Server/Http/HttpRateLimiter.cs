using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Parley.Server.Connections;
using Parley.Server.Hosting;

namespace Parley.Server.Http;

/// <summary>
/// Http:RequestsPerSecond and Http:RequestBurst: one token bucket per source address (IPv6 per
/// /64, as the connection limits count), so one client cannot make the HTTP endpoints do unbounded
/// work. The table is bounded: past <see cref="MaxSources"/> entries the full buckets (sources idle
/// long enough to have refilled) are dropped.
/// </summary>
internal sealed class HttpRateLimiter(IOptions<ParleyOptions> options, TimeProvider time)
{
    private const int MaxSources = 100_000;

    private readonly HttpOptions _options = options.Value.Http;
    private readonly ConcurrentDictionary<IPAddress, TokenBucket> _buckets = new();

    /// <summary>Takes one request from the source's bucket; false when it is empty (the caller answers 429).</summary>
    public bool TryTake(IPAddress? address)
    {
        if (address is null)
        {
            return true;
        }

        if (_buckets.Count >= MaxSources)
        {
            Prune();
        }

        var bucket = _buckets.GetOrAdd(ConnectionLimiter.SourceOf(address), _ => new TokenBucket(_options.RequestsPerSecond, _options.RequestBurst, time));
        // TokenBucket takes no lock of its own: one source's concurrent requests share it here.
        lock (bucket)
        {
            if (bucket.Available < 1)
            {
                return false;
            }

            bucket.Take(1);
            return true;
        }
    }

    private void Prune()
    {
        foreach (var (source, bucket) in _buckets)
        {
            if (bucket.Available >= bucket.Capacity)
            {
                _buckets.TryRemove(source, out _);
            }
        }
    }
}
