namespace Parley.Server.Modules.Register;

/// <summary>
/// Events per key within a sliding hour, at most <paramref name="perHour"/>. The table holds only
/// keys with an event in the last hour and at most <paramref name="capacity"/> of them; when it is
/// full, the key whose oldest event is the oldest is forgotten. Thread-safe.
/// </summary>
internal sealed class HourlyQuota<TKey>(int perHour, int capacity, TimeProvider time)
    where TKey : notnull
{
    private readonly Dictionary<TKey, Queue<long>> _recent = [];
    private readonly Lock _lock = new();

    private long Hour => 3600 * time.TimestampFrequency;

    /// <summary>Whether the key may have one more event now.</summary>
    public bool Allows(TKey key)
    {
        lock (_lock)
        {
            return !_recent.TryGetValue(key, out var times) || Expire(times, time.GetTimestamp()) < perHour;
        }
    }

    /// <summary>Counts one event of the key.</summary>
    public void Count(TKey key)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            Times(key, now).Enqueue(now);
        }
    }

    /// <summary>
    /// Counts one event of the key when it is within the quota; false (and nothing counted, so a
    /// refused key's queue stays bounded) when the key already had its share this hour.
    /// </summary>
    public bool TryCount(TKey key)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            var times = Times(key, now);
            if (Expire(times, now) >= perHour)
            {
                return false;
            }

            times.Enqueue(now);
            return true;
        }
    }

    private Queue<long> Times(TKey key, long now)
    {
        if (!_recent.TryGetValue(key, out var times))
        {
            if (_recent.Count >= capacity)
            {
                Evict(now);
            }

            times = new Queue<long>();
            _recent[key] = times;
        }

        return times;
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
        TKey? stalest = default;
        var stalestTime = long.MaxValue;
        foreach (var (key, times) in _recent)
        {
            if (Expire(times, now) == 0)
            {
                _recent.Remove(key);
            }
            else if (times.Peek() < stalestTime)
            {
                stalest = key;
                stalestTime = times.Peek();
            }
        }

        if (_recent.Count >= capacity && stalest is not null)
        {
            _recent.Remove(stalest);
        }
    }
}
