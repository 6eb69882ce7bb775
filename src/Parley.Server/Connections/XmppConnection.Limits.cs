using System.Buffers;
using System.Net;
using Parley.Server.Diagnostics;
using Parley.Xmpp.Streams;

namespace Parley.Server.Connections;

/// <summary>
/// What one peer may cost (issue #5, docs/security.md): admission against the connection limits and
/// the read-rate token bucket, and when it last sent anything (for the roles' idle policies). Kept
/// apart from the read and write loops, which only call in here, and independent of the stream kind.
/// </summary>
internal sealed partial class XmppConnection
{
    /// <summary>The smallest read worth waiting for when the bucket is low, so a throttled peer is read in chunks, not bytes.</summary>
    private const long MinimumReadChunk = 4096;

    private TokenBucket? _readBucket;
    private IPAddress? _source;
    private long _lastReceived;

    /// <summary>The peer's address as the limits count it (IPv6 per /64); null on transports without one.</summary>
    public IPAddress? RemoteAddress => _source;

    /// <summary>When the peer last sent a byte, as <see cref="TimeProvider.GetTimestamp"/> (roles' idle policies read it).</summary>
    public long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>
    /// Counts this connection against Limits:MaxConnections and Limits:MaxConnectionsPerIp. When over,
    /// the stream is opened and closed with &lt;policy-violation/&gt; and a text (RFC 6120 §4.9.3.14:
    /// the entity has violated a local service policy), and other connections are unaffected.
    /// </summary>
    /// <returns>
    /// True when admitted; the caller then calls <see cref="LeaveLimits"/> once. False with no
    /// refusal for an outbound stream, which the federation's limiter admitted before it connected.
    /// </returns>
    private bool EnterLimits(out StreamErrorException? refusal)
    {
        var time = _server.Heartbeat.Time;
        Volatile.Write(ref _lastReceived, time.GetTimestamp());
        var limits = _server.Options.Limits;
        _readBucket = new TokenBucket(limits.ReadBytesPerSecond, limits.ReadBurstBytes, time);
        if (_role.IsOutbound)
        {
            refusal = null;
            return false;
        }

        if (_server.Limiter.TryAdmit(_context.RemoteEndPoint, out _source, out var reason))
        {
            refusal = null;
            return true;
        }

        ConnectionLog.Refused(Logger, ConnectionId, _context.RemoteEndPoint, reason!);
        refusal = new StreamErrorException(StreamErrorCondition.PolicyViolation, reason);
        return false;
    }

    private void LeaveLimits() => _server.Limiter.Release(_source);

    /// <summary>
    /// Waits until the read bucket allows a chunk, then returns how many bytes of <paramref name="available"/>
    /// may be parsed now. Bytes beyond it stay in the pipe: once the pipe is full the transport stops
    /// reading and TCP pushes back on the sender, so nothing is dropped and memory stays bounded.
    /// </summary>
    private async ValueTask<long> ReadAllowanceAsync()
    {
        var bucket = _readBucket!;
        var wait = bucket.TimeUntil(MinimumReadChunk);
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, _server.Heartbeat.Time, _abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (Volatile.Read(ref _terminate) is not null)
            {
                ThrowIfTerminated();
            }
        }

        return bucket.Available;
    }

    /// <summary>Charges the bytes the parser consumed and notes the peer as alive.</summary>
    private void Received(long bytes)
    {
        if (bytes > 0)
        {
            _readBucket!.Take(bytes);
            Volatile.Write(ref _lastReceived, _server.Heartbeat.Time.GetTimestamp());
        }
    }

    /// <summary>The part of <paramref name="buffer"/> the read bucket allows now.</summary>
    private static ReadOnlySequence<byte> Limit(ReadOnlySequence<byte> buffer, long allowance) =>
        buffer.Length > allowance ? buffer.Slice(0, allowance) : buffer;
}
