using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Cli.Bench;

/// <summary>
/// PAIRS sender→receiver sessions (PREFIX{2i+1}/s sends to PREFIX{2i+2}/r) with pre-serialized
/// chat messages whose body is the send time, and receive loops that count &lt;/message&gt; in
/// the raw bytes and, when asked, record each message's latency.
/// </summary>
internal sealed class MessagePairs : IAsyncDisposable
{
    private static readonly byte[] EndMessage = "</message>"u8.ToArray();
    private static readonly byte[] BodyStart = "<body>"u8.ToArray();
    private static readonly byte[] Suffix = "</body></message>"u8.ToArray();
    private readonly BenchConnection[] _senders;
    private readonly BenchConnection[] _receivers;
    private readonly byte[][] _prefixes;
    private readonly long[] _received;
    private readonly Task[] _receiving;
    private readonly CancellationTokenSource _stop = new();
    private volatile LatencyHistogram? _latencies;

    private MessagePairs(BenchSettings settings, BenchConnection[] senders, BenchConnection[] receivers)
    {
        _senders = senders;
        _receivers = receivers;
        Sent = new long[senders.Length];
        _received = new long[senders.Length];
        Signals = [.. senders.Select(_ => new WindowSignal())];
        _prefixes = [.. Enumerable.Range(0, senders.Length).Select(i =>
            Encoding.UTF8.GetBytes($"<message type='chat' to='{settings.User((2 * i) + 2)}@{settings.Domain}/r'><body>"))];
        _receiving = [.. Enumerable.Range(0, receivers.Length).Select(i => Task.Run(() => ReceiveAsync(i), CancellationToken.None))];
    }

    public int Count => _senders.Length;

    /// <summary>Messages sent per pair; each pair's sender is its only writer.</summary>
    public long[] Sent { get; }

    public WindowSignal[] Signals { get; }

    /// <summary>The longest message this writes, for buffer sizes.</summary>
    public int MaxMessageBytes => _prefixes.Max(prefix => prefix.Length) + 20 + Suffix.Length;

    public long Received(int pair) => Volatile.Read(ref _received[pair]);

    public long TotalReceived => Enumerable.Range(0, Count).Sum(Received);

    public static async Task<MessagePairs> OpenAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var saltedPasswords = new ScramSaltedPasswordCache();
        var senders = new BenchConnection[settings.Pairs];
        var receivers = new BenchConnection[settings.Pairs];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, settings.Pairs), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, token) =>
            {
                receivers[i] = await BenchConnection.ConnectAsync(settings, token).ConfigureAwait(false);
                await receivers[i].LoginAsync(settings.User((2 * i) + 2), "r", saltedPasswords, token).ConfigureAwait(false);
                senders[i] = await BenchConnection.ConnectAsync(settings, token).ConfigureAwait(false);
                await senders[i].LoginAsync(settings.User((2 * i) + 1), "s", saltedPasswords, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch
        {
            foreach (var connection in senders.Concat(receivers).OfType<BenchConnection>())
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new MessagePairs(settings, senders, receivers);
    }

    /// <summary>Starts recording each delivered message's latency.</summary>
    public void RecordLatencies(LatencyHistogram histogram) => _latencies = histogram;

    /// <summary>Writes <paramref name="count"/> messages stamped with the current time into <paramref name="buffer"/>; returns the length.</summary>
    public int Write(int pair, int count, Span<byte> buffer)
    {
        var prefix = _prefixes[pair];
        var length = 0;
        for (var m = 0; m < count; m++)
        {
            prefix.CopyTo(buffer[length..]);
            length += prefix.Length;
            Utf8Formatter.TryFormat(Stopwatch.GetTimestamp(), buffer[length..], out var written);
            length += written;
            Suffix.CopyTo(buffer[length..]);
            length += Suffix.Length;
        }

        return length;
    }

    public ValueTask SendAsync(int pair, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        _senders[pair].SendAsync(bytes, cancellationToken);

    /// <summary>Waits until every sent message arrived or <paramref name="limit"/> passed, so none is left for offline storage.</summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (TotalReceived < Sent.Sum() && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_senders.Select(sender => sender.CloseAsync(CancellationToken.None))).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_receiving).ConfigureAwait(false);
        await Task.WhenAll(_receivers.Select(receiver => receiver.CloseAsync(CancellationToken.None))).ConfigureAwait(false);
        foreach (var connection in _senders.Concat(_receivers))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task ReceiveAsync(int pair)
    {
        var reader = _receivers[pair].Reader;
        try
        {
            do
            {
                var count = CountMessages(reader);
                if (count > 0)
                {
                    Interlocked.Add(ref _received[pair], count);
                    Signals[pair].Signal();
                }
            }
            while (await reader.FillAsync(_stop.Token).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped, or the connection closed.
        }
    }

    private int CountMessages(ReceiveBuffer reader)
    {
        var data = reader.Buffered;
        var latencies = _latencies;
        var consumed = 0;
        var count = 0;
        while (true)
        {
            var end = data[consumed..].IndexOf(EndMessage);
            if (end < 0)
            {
                break;
            }

            if (latencies is not null)
            {
                var message = data.Slice(consumed, end);
                var body = message.IndexOf(BodyStart);
                if (body >= 0 && Utf8Parser.TryParse(message[(body + BodyStart.Length)..], out long stamp, out _))
                {
                    latencies.Record((long)Stopwatch.GetElapsedTime(stamp).TotalMicroseconds);
                }
            }

            consumed += end + EndMessage.Length;
            count++;
        }

        reader.Consume(consumed);
        return count;
    }
}
