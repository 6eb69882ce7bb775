namespace Parley.Server.Sessions;

/// <summary>
/// The typed per-session state modules keep (roster interest, directed presence, later "carbons
/// enabled", "client inactive", stream management counters): one slot per type, held by the session
/// itself, so whatever a module keeps for a session goes when the session goes, replaced or closed
/// (issue 11 item 4), with no table keyed by session to clean up. Slots are numbered once per type
/// (<see cref="Slot{T}"/>); a session holds an array only once a module stores something.
/// </summary>
internal sealed class SessionFeatures
{
    private static int _slotCount;

    private readonly Lock _gate = new();
    private object?[] _values = [];

    /// <summary>The value a module keeps for this session, or null.</summary>
    public T? Get<T>()
        where T : class
    {
        var values = Volatile.Read(ref _values);
        var slot = Slot<T>.Index;
        return slot < values.Length ? (T?)Volatile.Read(ref values[slot]) : null;
    }

    /// <summary>The value a module keeps for this session, created on first use.</summary>
    public T GetOrAdd<T>(Func<T> create)
        where T : class
    {
        if (Get<T>() is { } existing)
        {
            return existing;
        }

        lock (_gate)
        {
            if (Get<T>() is { } raced)
            {
                return raced;
            }

            var value = create();
            Store(Slot<T>.Index, value);
            return value;
        }
    }

    public void Set<T>(T? value)
        where T : class
    {
        lock (_gate)
        {
            Store(Slot<T>.Index, value);
        }
    }

    /// <summary>Removes and returns the value kept for this session.</summary>
    public T? Take<T>()
        where T : class
    {
        lock (_gate)
        {
            var value = Get<T>();
            if (value is not null)
            {
                _values[Slot<T>.Index] = null;
            }

            return value;
        }
    }

    private void Store(int slot, object? value)
    {
        if (slot >= _values.Length)
        {
            if (value is null)
            {
                return;
            }

            // Readers see either the old array or the new one, never a half-copied one.
            var grown = new object?[Math.Max(slot + 1, _values.Length * 2)];
            _values.CopyTo(grown, 0);
            grown[slot] = value;
            Volatile.Write(ref _values, grown);
            return;
        }

        Volatile.Write(ref _values[slot], value);
    }

    /// <summary>One slot number per stored type, given out the first time the type is used.</summary>
    private static class Slot<T>
    {
        public static readonly int Index = Interlocked.Increment(ref _slotCount) - 1;
    }
}
