using System.Buffers;

namespace Parley.Xmpp.Xml;

/// <summary>
/// A growable byte buffer on pooled arrays, reused across tokens and stanzas. It holds no array
/// until the first byte arrives and gives its array back on <see cref="Release"/>, so an idle
/// stream holds none (per-session memory matters with thousands of idle connections).
/// </summary>
internal sealed class ByteBuffer(int initialCapacity)
{
    private byte[] _array = [];
    private readonly int _initialCapacity = initialCapacity;

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public void Add(byte b)
    {
        if (Length == _array.Length)
        {
            Grow(1);
        }

        _array[Length++] = b;
    }

    public void Add(ReadOnlySpan<byte> bytes)
    {
        if (_array.Length - Length < bytes.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_array.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Drops the tail so that <see cref="Length"/> becomes <paramref name="length"/>.</summary>
    public void Truncate(int length) => Length = length;

    public void Clear() => Length = 0;

    /// <summary>Gives a large array back to the pool once a big stanza is done, so an idle stream holds little.</summary>
    public void Shrink()
    {
        Length = 0;
        if (_array.Length > 16 * _initialCapacity)
        {
            ReturnArray();
        }
    }

    /// <summary>Gives the array back to the pool when the buffer is empty; the next byte rents one again.</summary>
    public void Release()
    {
        if (Length == 0)
        {
            ReturnArray();
        }
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(_array.Length * 2, Length + needed), _initialCapacity));
        Span.CopyTo(bigger);
        ReturnArray();
        _array = bigger;
    }

    private void ReturnArray()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }
    }
}
