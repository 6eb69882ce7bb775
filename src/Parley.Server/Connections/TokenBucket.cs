namespace Parley.Server.Connections;

/// <summary>
/// A token bucket over <see cref="TimeProvider"/> timestamps: holds at most <c>capacity</c> tokens
/// and gains <c>ratePerSecond</c> a second. One connection's read loop owns it, so it takes no lock.
/// </summary>
internal sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _perTick;
    private double _tokens;
    private long _updated;

    public TokenBucket(long ratePerSecond, long capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _time = time;
        RatePerSecond = ratePerSecond;
        Capacity = capacity;
        _perTick = ratePerSecond / (double)time.TimestampFrequency;
        _tokens = capacity;
        _updated = time.GetTimestamp();
    }

    public long RatePerSecond { get; }

    public long Capacity { get; }

    /// <summary>Whole tokens available now.</summary>
    public long Available
    {
        get
        {
            Refill();
            return (long)_tokens;
        }
    }

    /// <summary>Spends tokens; callers take no more than <see cref="Available"/>, so the bucket never goes below zero.</summary>
    public void Take(long count)
    {
        Refill();
        _tokens = Math.Max(0, _tokens - count);
    }

    /// <summary>How long until <paramref name="count"/> tokens (at most the capacity) are available; zero when they are now.</summary>
    public TimeSpan TimeUntil(long count)
    {
        Refill();
        var missing = Math.Min(count, Capacity) - _tokens;
        if (missing <= 0)
        {
            return TimeSpan.Zero;
        }

        // Rounded up to a whole tick so that waiting this long always suffices.
        return TimeSpan.FromTicks((long)Math.Ceiling(missing * TimeSpan.TicksPerSecond / RatePerSecond));
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(Capacity, _tokens + ((now - _updated) * _perTick));
        _updated = now;
    }
}
