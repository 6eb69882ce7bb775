using System.Net;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Modules.Register;

/// <summary>
/// Limits:RegistrationsPerIpPerHour: accounts one source address may create in-band (XEP-0077)
/// within a sliding hour, so one host cannot mint accounts for spam. The table holds only sources
/// that registered within the hour and is bounded by Limits:AuthThrottleEntries; when it is full,
/// the source that registered least recently is forgotten.
/// </summary>
internal sealed class RegistrationThrottle(IOptions<ParleyOptions> options, TimeProvider time)
{
    private readonly LimitOptions _limits = options.Value.Limits;
    private readonly Dictionary<IPAddress, Queue<long>> _recent = [];
    private readonly Lock _lock = new();

    private long Hour => 3600 * time.TimestampFrequency;

    /// <summary>Whether <paramref name="source"/> may create another account now; a null source (no IP) is not limited.</summary>
    public bool Allows(IPAddress? source)
    {
        if (source is null)
        {
            return true;
        }

        lock (_lock)
        {
            return !_recent.TryGetValue(source, out var times) || Expire(times, time.GetTimestamp()) < _limits.RegistrationsPerIpPerHour;
        }
    }

    /// <summary>Counts an account created from <paramref name="source"/>.</summary>
    public void Registered(IPAddress? source)
    {
        if (source is null)
        {
            return;
        }

        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (!_recent.TryGetValue(source, out var times))
            {
                if (_recent.Count >= _limits.AuthThrottleEntries)
                {
                    Evict(now);
                }

                times = new Queue<long>();
                _recent[source] = times;
            }

            times.Enqueue(now);
        }
    }

    public int Sources
    {
        get
        {
            lock (_lock)
            {
                return _recent.Count;
            }
        }
    }

    private int Expire(Queue<long> times, long now)
    {
        while (times.TryPeek(out var oldest) && now - oldest >= Hour)
        {
            times.Dequeue();
        }

        return times.Count;
    }

    private void Evict(long now)
    {
        IPAddress? stalest = null;
        var stalestTime = long.MaxValue;
        foreach (var (source, times) in _recent)
        {
            if (Expire(times, now) == 0)
            {
                _recent.Remove(source);
            }
            else if (times.Peek() < stalestTime)
            {
                stalest = source;
                stalestTime = times.Peek();
            }
        }

        if (_recent.Count >= _limits.AuthThrottleEntries && stalest is not null)
        {
            _recent.Remove(stalest);
        }
    }
}
