using System.Numerics;

namespace Parley.Cli.Bench;

/// <summary>
/// Latencies in microseconds, counted in log-linear buckets (exact below 1,024 µs, then 512 steps
/// per power of two: under 0.2 % error), so percentiles of millions of samples cost a fixed 40 KiB
/// and no sort. Thread-safe.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Linear = 1024;
    private const int StepsPerOctave = 512;
    private readonly long[] _counts = new long[Linear + (40 * StepsPerOctave)];
    private long _max;

    public long Count { get; private set; }

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        Interlocked.Increment(ref _counts[Index(micros)]);
        long seen;
        while (micros > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, seen) != seen)
        {
        }
    }

    /// <summary>The value at or below which <paramref name="quantile"/> of the samples lie, in µs.</summary>
    public long Percentile(double quantile)
    {
        long total = 0;
        foreach (var count in _counts)
        {
            total += count;
        }

        Count = total;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), Volatile.Read(ref _max));
            }
        }

        return Volatile.Read(ref _max);
    }

    public long Max => Volatile.Read(ref _max);

    private static int Index(long micros)
    {
        if (micros < Linear)
        {
            return (int)micros;
        }

        var shift = 63 - BitOperations.LeadingZeroCount((ulong)micros) - 9;
        var index = Linear + ((shift - 1) * StepsPerOctave) + (int)((micros >> shift) - StepsPerOctave);
        return Math.Min(index, Linear + (40 * StepsPerOctave) - 1);
    }

    private static long UpperBound(int index)
    {
        if (index < Linear)
        {
            return index;
        }

        var shift = ((index - Linear) / StepsPerOctave) + 1;
        var step = (index - Linear) % StepsPerOctave;
        return ((StepsPerOctave + step + 1L) << shift) - 1;
    }
}
