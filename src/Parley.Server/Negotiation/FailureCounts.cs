namespace Parley.Server.Negotiation;

/// <summary>
/// Recent failures per key, bounded in memory: a key forgets its failures after a quiet window, and
/// when the table is full the key failed least recently is dropped first. Not thread-safe; the
/// owner locks.
/// </summary>
internal sealed class FailureCounts<TKey>(int capacity, long windowTicks)
    where TKey : notnull
{
    private readonly Dictionary<TKey, Entry> _entries = [];

    public int Count => _entries.Count;

    /// <summary>Failures of the key within the window, as of <paramref name="now"/>.</summary>
    public int Get(TKey key, long now) =>
        _entries.TryGetValue(key, out var entry) && now - entry.Last <= windowTicks ? entry.Failures : 0;

    /// <summary>Records one failure and returns the key's count including it.</summary>
    public int Add(TKey key, long now)
    {
        var failures = Get(key, now) + 1;
        if (!_entries.ContainsKey(key) && _entries.Count >= capacity)
        {
            Evict(now);
        }

        _entries[key] = new Entry(failures, now);
        return failures;
    }

    public void Remove(TKey key) => _entries.Remove(key);

    private void Evict(long now)
    {
        // Expired keys first; if none, the one that failed least recently. A linear scan, paid only
        // when the table is full, which is cheap next to the password hashing each failure costs.
        var oldest = default(TKey);
        var oldestTime = long.MaxValue;
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.Last > windowTicks)
            {
                _entries.Remove(key);
            }
            else if (entry.Last < oldestTime)
            {
                oldest = key;
                oldestTime = entry.Last;
            }
        }

        if (_entries.Count >= capacity && oldest is not null)
        {
            _entries.Remove(oldest);
        }
    }

    private readonly record struct Entry(int Failures, long Last);
}
