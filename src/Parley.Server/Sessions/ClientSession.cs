using System.Diagnostics.CodeAnalysis;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Sessions;

/// <summary>
/// A bound resource (RFC 6120 §7): its full JID, the transport that carries it, its presence and
/// the state modules keep for it (<see cref="Features"/>). It is also the origin of what its client
/// sends. Presence fields are written only by the session's own read loop (one owner) and read by routing.
/// Every stanza for it passes its outbound filters in <see cref="Send"/>, whoever sends it.
/// A session is not its connection: the transport can be detached (the session then holds its
/// stanzas in a queue of its own, <see cref="HeldStanzas"/>) and another attached, which stream
/// management's resumption needs; by default a lost transport ends the session as before.
/// </summary>
internal sealed class ClientSession(Jid jid, ISessionEndpoint endpoint, OutboundFilter[]? outboundFilters = null)
    : Origin(jid, OriginKind.LocalSession)
{
    private readonly OutboundFilter[] _outboundFilters = outboundFilters ?? [];

    private volatile Element? _presence;

    // The last 'to' this session addressed, as received and as parsed: a client sends to the same few
    // addresses over and over, and preparing one allocates the JID and its parts (RFC 7622 §3).
    private string? _lastAddresseeText;
    private Jid? _lastAddressee;

    // Orders everything written to the transport, so what is recorded as sent (stream management)
    // is what the client receives, in that order, and transport swaps never interleave with a write.
    private readonly Lock _sendGate = new();
    private ISessionEndpoint _endpoint = endpoint;
    private ITimer? _detachedExpiry;
    private UnackedStanzas? _unacked;
    private uint _received;

    /// <summary>The transport the session's stanzas go to now: its connection, or its held queue while detached.</summary>
    public ISessionEndpoint Endpoint => Volatile.Read(ref _endpoint);

    /// <summary>True while no transport is attached and stanzas are held.</summary>
    public bool IsDetached => Endpoint is HeldStanzas;

    /// <summary>What modules keep for this session; it goes with the session.</summary>
    public SessionFeatures Features { get; } = new();

    /// <summary>The last available presence broadcast by this resource, or null while unavailable.</summary>
    public Element? Presence => _presence;

    public bool IsAvailable => _presence is not null;

    /// <summary>RFC 6121 §4.7.2.3: priority from the last available presence; 0 when absent or invalid.</summary>
    public int Priority { get; private set; }

    public void SetAvailable(Element presence, int priority)
    {
        Priority = priority;
        _presence = presence;
    }

    public void SetUnavailable()
    {
        _presence = null;
        Priority = 0;
    }

    /// <summary>
    /// The last step of every delivery to this session: the outbound filters, then the transport's
    /// queue. Never waits; false when the transport is closing or too slow (it is then being closed).
    /// </summary>
    public bool Send(Element stanza)
    {
        foreach (var filter in _outboundFilters)
        {
            if (filter(this, stanza) == OutboundVerdict.Taken)
            {
                return true;
            }
        }

        return Write(stanza);
    }

    /// <summary>
    /// Past the outbound filters: a stanza to the transport (a filter releasing what it held calls this).
    /// While delivery is tracked (<see cref="TrackDelivery"/>) it is recorded first, in the order it goes
    /// out, and a tracked stanza is never refused: if the transport cannot take it, it waits in the record
    /// for the next transport or for offline storage.
    /// </summary>
    public bool Write(Element stanza)
    {
        lock (_sendGate)
        {
            var endpoint = _endpoint;
            if (_unacked is not { } unacked)
            {
                return endpoint.TrySend(stanza);
            }

            var verdict = unacked.Add(stanza);
            if (endpoint is HeldStanzas)
            {
                // Detached: the record is the queue; it goes out when a transport is attached again.
                if (verdict == UnackedVerdict.Overflow)
                {
                    endpoint.Terminate(StreamErrorCondition.ResourceConstraint);
                }

                return true;
            }

            endpoint.TrySend(stanza);
            if (verdict == UnackedVerdict.Overflow)
            {
                endpoint.Terminate(StreamErrorCondition.ResourceConstraint, "Too many unacknowledged stanzas");
            }
            else if (verdict == UnackedVerdict.RequestAck)
            {
                RequestAcknowledgement(unacked, endpoint);
            }

            return true;
        }
    }

    /// <summary>
    /// Sends an element that is not a stanza (XEP-0198 &lt;enabled/&gt;, &lt;a/&gt;) to the current transport, in
    /// order with the stanzas and never counted; with <paramref name="track"/>, every stanza written after
    /// it is recorded (<see cref="UnackedStanzas"/>). False when no transport is attached.
    /// </summary>
    public bool WriteControl(Element element, UnackedStanzas? track = null)
    {
        lock (_sendGate)
        {
            if (_endpoint is HeldStanzas)
            {
                return false;
            }

            _endpoint.TrySend(element);
            _unacked ??= track;
            return true;
        }
    }

    /// <summary>The record of unacknowledged stanzas, or null while delivery is not tracked.</summary>
    public UnackedStanzas? Unacked => _unacked;

    /// <summary>
    /// The client acknowledged every stanza up to <paramref name="h"/>; false when it acknowledged more
    /// than it was sent. Nothing happens while delivery is not tracked.
    /// </summary>
    public bool Acknowledge(uint h)
    {
        lock (_sendGate)
        {
            return _unacked?.Acknowledge(h) ?? true;
        }
    }

    /// <summary>Asks the client for an acknowledgement when stanzas have waited unrequested for <paramref name="wait"/>.</summary>
    public void RequestAcknowledgementIfDue(TimeSpan wait)
    {
        lock (_sendGate)
        {
            if (_unacked is { } unacked && _endpoint is not HeldStanzas && unacked.RequestIsDue(wait))
            {
                RequestAcknowledgement(unacked, _endpoint);
            }
        }
    }

    /// <summary>Removes every unacknowledged stanza, oldest first: the session is ending and they are owed elsewhere.</summary>
    public List<Element> TakeUnacked()
    {
        lock (_sendGate)
        {
            return _unacked?.TakeAll() ?? [];
        }
    }

    /// <summary>Stanzas received from the client on this session (any transport), modulo 2^32; counted by the router.</summary>
    public uint Received => _received;

    /// <summary>One more stanza from the client (the router, on the session's read loop).</summary>
    public void CountReceived() => _received++;

    /// <summary>
    /// Keeps the session without a transport for up to <paramref name="keep"/>: from now on its stanzas
    /// are held, up to <paramref name="capacity"/>, until <see cref="Attach"/>. When the time runs out
    /// first, or the held queue is terminated, <paramref name="end"/> ends the session (the caller
    /// unbinds it and announces it gone). Nothing happens when <paramref name="transport"/> is no longer the session's.
    /// </summary>
    public void Detach(ISessionEndpoint transport, int capacity, TimeSpan keep, TimeProvider time, Func<ClientSession, Task> end)
    {
        var held = new HeldStanzas(capacity, _ => EndDetached());
        lock (_sendGate)
        {
            if (!ReferenceEquals(_endpoint, transport))
            {
                return;
            }

            Volatile.Write(ref _endpoint, held);
            Volatile.Write(ref _detachedExpiry, time.CreateTimer(_ => EndDetached(), null, keep, Timeout.InfiniteTimeSpan));
        }

        void EndDetached()
        {
            if (Interlocked.Exchange(ref _detachedExpiry, null) is { } timer)
            {
                timer.Dispose();
                if (IsDetached)
                {
                    _ = end(this);
                }
            }
        }
    }

    /// <summary>
    /// Attaches a new transport to a detached session: the held stanzas go out first, in order, then
    /// everything sent after. False when the session is attached to a transport already, or its time ran out.
    /// </summary>
    public bool Attach(ISessionEndpoint transport) => Attach(transport, first: null, resendFrom: null) == ResumeOutcome.Resumed;

    /// <summary>
    /// Moves the session to <paramref name="transport"/> (XEP-0198 §5 resumption): detached or still on an
    /// old transport (which is then ended with &lt;conflict/&gt;, the half-open case), the client's
    /// acknowledgement <paramref name="resendFrom"/> applied, <paramref name="first"/> written, then every
    /// stanza still unacknowledged, in order, then what is held, then everything sent after.
    /// </summary>
    public ResumeOutcome Attach(ISessionEndpoint transport, Element? first, uint? resendFrom)
    {
        ISessionEndpoint? replaced = null;
        lock (_sendGate)
        {
            // Stanzas the client acknowledged are forgotten whether or not the move succeeds.
            if (resendFrom is { } h && _unacked is { } unacked && !unacked.Acknowledge(h))
            {
                return ResumeOutcome.HandledCountTooHigh;
            }

            var current = _endpoint;
            if (current is HeldStanzas)
            {
                if (Interlocked.Exchange(ref _detachedExpiry, null) is not { } timer)
                {
                    // Its time ran out: it is ending.
                    return ResumeOutcome.Gone;
                }

                timer.Dispose();
            }
            else if (resendFrom is null)
            {
                return ResumeOutcome.Gone;
            }
            else
            {
                replaced = current;
            }

            if (first is not null)
            {
                transport.TrySend(first);
            }

            foreach (var stanza in _unacked?.Pending() ?? [])
            {
                transport.TrySend(stanza);
            }

            if (current is HeldStanzas held)
            {
                held.HandOver(transport, () => Volatile.Write(ref _endpoint, transport));
            }
            else
            {
                Volatile.Write(ref _endpoint, transport);
            }
        }

        // XEP-0198 §5: the old stream, if still open, ends with a conflict stream error.
        replaced?.Terminate(StreamErrorCondition.Conflict, "Resumed on another connection");
        return ResumeOutcome.Resumed;
    }

    private static void RequestAcknowledgement(UnackedStanzas unacked, ISessionEndpoint endpoint)
    {
        endpoint.TrySend(unacked.Request);
        unacked.Requested();
    }

    /// <summary>
    /// <see cref="Jid.TryParse"/> for the 'to' of a stanza this session sent, reusing the last result
    /// when the text is the same. Called only by the router on the session's own read loop.
    /// </summary>
    public bool TryParseAddressee(string text, [NotNullWhen(true)] out Jid? jid)
    {
        if (_lastAddressee is { } last && string.Equals(text, _lastAddresseeText, StringComparison.Ordinal))
        {
            jid = last;
            return true;
        }

        if (!Jid.TryParse(text, out jid))
        {
            return false;
        }

        (_lastAddresseeText, _lastAddressee) = (text, jid);
        return true;
    }
}
