using System.Buffers;
using System.Net;
using Parley.Server.Diagnostics;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// What one peer may cost (issue #5, docs/security.md): admission against the connection limits,
/// the read-rate token bucket, and the idle probe and timeout checked by the one
/// <see cref="Heartbeat"/>. Kept apart from the read and write loops, which only call in here, and
/// independent of the stream kind.
/// </summary>
internal sealed partial class XmppConnection
{
    /// <summary>The smallest read worth waiting for when the bucket is low, so a throttled peer is read in chunks, not bytes.</summary>
    private const long MinimumReadChunk = 4096;

    private TokenBucket? _readBucket;
    private IPAddress? _source;
    private long _lastReceived;
    private int _idleProbes;
    private long _idleProbeSpell = -1;

    /// <summary>The peer's address as the limits count it (IPv6 per /64); null on transports without one.</summary>
    public IPAddress? RemoteAddress => _source;

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

    /// <summary>
    /// Heartbeat check for a bound client stream (called by <see cref="C2sRole"/>): after Limits:IdleProbeSeconds of silence a XEP-0199
    /// ping, which any live client answers (a result, or an error if it lacks ping: either is traffic);
    /// after Limits:IdleTimeoutSeconds of silence &lt;connection-timeout/&gt; (RFC 6120 §4.9.3.4), and
    /// the session's end is published so its unavailable presence goes out (RFC 6121 §4.6.3).
    /// An application-level ping rather than whitespace: whitespace only proves the local TCP buffer
    /// took it, a ping's answer proves the peer is there.
    /// </summary>
    public void CheckIdle(long now, ClientSession session)
    {
        var time = _server.Heartbeat.Time;
        var limits = _server.Options.Limits;
        var silent = now - Volatile.Read(ref _lastReceived);
        if (silent >= limits.IdleTimeoutSeconds * time.TimestampFrequency)
        {
            ConnectionLog.IdleTimeout(Logger, ConnectionId);
            Terminate(StreamErrorCondition.ConnectionTimeout, "No traffic");
            return;
        }

        // One probe per quiet spell: a new spell starts whenever the peer sends anything.
        var spell = Volatile.Read(ref _lastReceived);
        if (silent >= limits.IdleProbeSeconds * time.TimestampFrequency
            && Interlocked.Exchange(ref _idleProbeSpell, spell) != spell)
        {
            ConnectionLog.IdleProbe(Logger, ConnectionId);
            var ping = new Element("iq", Namespaces.Client)
                .SetAttribute("type", "get")
                .SetAttribute("id", "idle-" + Interlocked.Increment(ref _idleProbes).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .SetAttribute("from", session.Jid.Domain)
                .SetAttribute("to", session.Jid.ToString());
            ping.AddElement("ping", Namespaces.Ping);
            TrySend(ping);
        }
    }
}
