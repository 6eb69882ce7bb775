namespace Parley.Server.Modules.Archive;

/// <summary>
/// Archive ids, which are also the XEP-0359 stanza-ids: milliseconds since the Unix epoch shifted
/// left by <see cref="CounterBits"/>, plus a counter for messages within one millisecond, and never
/// below the last id given (so a clock stepping back cannot reorder or repeat ids). Ordering by id
/// is therefore ordering by arrival, and a XEP-0313 start/end time is a range of ids: queries and the
/// retention task use the one (account, id) index. Written in decimal, like ejabberd's.
/// </summary>
internal sealed class ArchiveIds(TimeProvider time)
{
    /// <summary>Room for 4096 messages per millisecond before ids run ahead of the clock.</summary>
    public const int CounterBits = 12;

    private long _last;

    /// <summary>A new id, greater than every id given before and than <see cref="Seed"/>.</summary>
    public long Next()
    {
        var now = FloorOf(time.GetUtcNow());
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(last + 1, now);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>At start: ids continue above the largest one already stored, whatever the clock says.</summary>
    public void Seed(long largestStored)
    {
        long last;
        do
        {
            last = Volatile.Read(ref _last);
        }
        while (largestStored > last && Interlocked.CompareExchange(ref _last, largestStored, last) != last);
    }

    /// <summary>The smallest id that can be given at or after <paramref name="at"/>.</summary>
    public static long FloorOf(DateTimeOffset at) => Math.Max(0, at.ToUnixTimeMilliseconds()) << CounterBits;

    /// <summary>The largest id given at or before <paramref name="at"/> (the clock ran ahead of no one).</summary>
    public static long CeilingOf(DateTimeOffset at) => FloorOf(at.AddMilliseconds(1)) - 1;

    public static string Format(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An id a client sent back: decimal digits only, positive.</summary>
    public static bool TryParse(string? text, out long id) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id) && id > 0;
}
