using System.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// The bytes a connection has received and not yet consumed, with byte-level searches for the
/// few markers the generator needs (a closing tag, an element by name). Not an XML parser: the
/// generator must cost less than the server it measures.
/// </summary>
internal sealed class ReceiveBuffer(Stream stream)
{
    private const int MaxBytes = 4 * 1024 * 1024;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public Stream Stream { get; private set; } = stream;

    /// <summary>Received bytes not consumed yet.</summary>
    public Span<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Part of <see cref="Buffered"/> as memory, for writing it elsewhere before it is consumed.</summary>
    public ReadOnlyMemory<byte> BufferedMemory(int offset, int length) => _buffer.AsMemory(_start + offset, length);

    public void Consume(int count) => _start += count;

    /// <summary>Continues on another stream over the same connection (after STARTTLS's proceed, RFC 6120 §5.4.3.3).</summary>
    public void SwitchTo(Stream next)
    {
        _start = _end = 0;
        Stream = next;
    }

    /// <summary>Reads more bytes; false at end of stream.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else if (_buffer.Length < MaxBytes)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            else
            {
                throw new BenchFailureException($"more than {MaxBytes} bytes without the expected element");
            }
        }

        var read = await Stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    /// <summary>Everything up to and including <paramref name="marker"/>, consumed.</summary>
    public async Task<string> ReadUntilAsync(byte[] marker, CancellationToken cancellationToken)
    {
        while (true)
        {
            var at = Buffered.IndexOf(marker);
            if (at >= 0)
            {
                var text = Encoding.UTF8.GetString(Buffered[..(at + marker.Length)]);
                Consume(at + marker.Length);
                return text;
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new BenchFailureException("the server closed the connection: " + Encoding.UTF8.GetString(Buffered));
            }
        }
    }

    /// <summary>Reads until <paramref name="marker"/> or the end of the stream, whichever comes first.</summary>
    public async Task ReadUntilClosedAsync(byte[] marker, CancellationToken cancellationToken)
    {
        while (Buffered.IndexOf(marker) < 0)
        {
            _start = Math.Max(_start, _end - marker.Length);
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>The first element named one of <paramref name="names"/> (any namespace, no prefix), consumed with what came before it.</summary>
    public async Task<FoundElement> ReadElementAsync(string[] names, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryFindElement(names) is { } found)
            {
                return found;
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new BenchFailureException("the server closed the connection: " + Encoding.UTF8.GetString(Buffered));
            }
        }
    }

    private FoundElement? TryFindElement(string[] names)
    {
        var data = Buffered;
        for (var open = data.IndexOf((byte)'<'); open >= 0 && open < data.Length - 1; open = NextOpen(data, open))
        {
            foreach (var name in names)
            {
                var nameEnd = open + 1 + name.Length;
                if (nameEnd >= data.Length || !data[(open + 1)..nameEnd].SequenceEqual(Encoding.ASCII.GetBytes(name))
                    || data[nameEnd] is not ((byte)' ' or (byte)'>' or (byte)'/'))
                {
                    continue;
                }

                var tagEnd = data[nameEnd..].IndexOf((byte)'>');
                if (tagEnd < 0)
                {
                    return null;
                }

                tagEnd += nameEnd;
                int elementEnd;
                string content;
                if (data[tagEnd - 1] == (byte)'/')
                {
                    elementEnd = tagEnd + 1;
                    content = "";
                }
                else
                {
                    var close = Encoding.ASCII.GetBytes("</" + name + ">");
                    var closeAt = data[(tagEnd + 1)..].IndexOf(close);
                    if (closeAt < 0)
                    {
                        return null;
                    }

                    closeAt += tagEnd + 1;
                    elementEnd = closeAt + close.Length;
                    content = Encoding.UTF8.GetString(data[(tagEnd + 1)..closeAt]);
                }

                var text = Encoding.UTF8.GetString(data[open..elementEnd]);
                Consume(elementEnd);
                return new FoundElement(name, text, content);
            }
        }

        return null;
    }

    private static int NextOpen(Span<byte> data, int open)
    {
        var next = data[(open + 1)..].IndexOf((byte)'<');
        return next < 0 ? -1 : open + 1 + next;
    }
}
