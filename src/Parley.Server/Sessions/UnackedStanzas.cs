using Parley.Xmpp.Xml;

namespace Parley.Server.Sessions;

/// <summary>
/// The stanzas a session sent its client that the client has not yet acknowledged, oldest first,
/// with the count of every stanza sent since tracking began (XEP-0198 §4: counted modulo 2^32, so
/// <see cref="uint"/> arithmetic wraps exactly as the protocol's 'h' does). It is the session's own
/// outbound queue: it outlives a transport, so what was lost with a connection can be sent again on
/// the next one (§5), or handed to offline storage when the session ends. Guarded by the session's
/// send gate (<see cref="ClientSession"/>), never locked itself.
/// </summary>
/// <param name="capacity">How many may wait unacknowledged; one more and the stream ends (Modules:Sm:MaxUnacked).</param>
/// <param name="requestEvery">Ask for an acknowledgement after this many unrequested stanzas.</param>
/// <param name="request">The request element (XEP-0198 &lt;r/&gt;), written between stanzas.</param>
/// <param name="time">Times how long stanzas have waited unrequested (<see cref="RequestIsDue"/>).</param>
internal sealed class UnackedStanzas(int capacity, int requestEvery, Element request, TimeProvider time)
{
    private Element[] _ring = [];
    private int _head;
    private int _count;
    private long _unrequestedSince;

    /// <summary>Stanzas sent since tracking began, modulo 2^32 (the 'h' the client should reach).</summary>
    public uint Sent { get; private set; }

    /// <summary>The last 'h' the client acknowledged.</summary>
    public uint Acknowledged => Sent - (uint)_count;

    /// <summary>Stanzas sent and not acknowledged.</summary>
    public int Count => _count;

    /// <summary>Sent stanzas since the last request for an acknowledgement (server-initiated &lt;r/&gt;).</summary>
    public int SinceRequest { get; private set; }

    /// <summary>The element that asks the client for an acknowledgement.</summary>
    public Element Request => request;

    /// <summary>Records one more stanza sent (or to be sent on the next transport), and says what should follow it.</summary>
    public UnackedVerdict Add(Element stanza)
    {
        if (_count == _ring.Length)
        {
            Grow();
        }

        _ring[(_head + _count) % _ring.Length] = stanza;
        _count++;
        Sent++;
        if (SinceRequest++ == 0)
        {
            // Once per burst, not per stanza: when the oldest unrequested stanza went out.
            _unrequestedSince = time.GetTimestamp();
        }

        return _count > capacity ? UnackedVerdict.Overflow
            : SinceRequest >= requestEvery ? UnackedVerdict.RequestAck
            : UnackedVerdict.Sent;
    }

    /// <summary>An acknowledgement request went out: counting towards the next one starts again.</summary>
    public void Requested() => SinceRequest = 0;

    /// <summary>True when stanzas have waited unrequested for <paramref name="wait"/> or longer.</summary>
    public bool RequestIsDue(TimeSpan wait) => SinceRequest > 0 && time.GetElapsedTime(_unrequestedSince) >= wait;

    /// <summary>
    /// The client handled every stanza up to <paramref name="h"/>: those are forgotten. False when
    /// <paramref name="h"/> acknowledges more than was sent (XEP-0198 §4: handled-count-too-high),
    /// nothing forgotten then. An 'h' older than the last one acknowledges nothing new.
    /// </summary>
    public bool Acknowledge(uint h)
    {
        var newly = h - Acknowledged;
        if (newly > (uint)_count)
        {
            // More than was sent is the error; an 'h' behind the last one (a difference past half the
            // counter's range, wrapping) is a stale ack that acknowledges nothing new.
            return newly >= 0x8000_0000u;
        }

        for (var i = 0u; i < newly; i++)
        {
            _ring[_head] = null!;
            _head = (_head + 1) % _ring.Length;
            _count--;
        }

        return true;
    }

    /// <summary>Every unacknowledged stanza, oldest first.</summary>
    public IEnumerable<Element> Pending()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _ring[(_head + i) % _ring.Length];
        }
    }

    /// <summary>Removes and returns every unacknowledged stanza, oldest first (the session is ending).</summary>
    public List<Element> TakeAll()
    {
        var all = Pending().ToList();
        Array.Clear(_ring);
        (_head, _count) = (0, 0);
        return all;
    }

    private void Grow()
    {
        var bigger = new Element[Math.Max(_ring.Length * 2, 8)];
        for (var i = 0; i < _count; i++)
        {
            bigger[i] = _ring[(_head + i) % _ring.Length];
        }

        (_ring, _head) = (bigger, 0);
    }
}
