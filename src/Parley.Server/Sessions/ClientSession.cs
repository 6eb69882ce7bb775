using System.Diagnostics.CodeAnalysis;
using Parley.Xmpp.Addressing;
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

    private ISessionEndpoint _endpoint = endpoint;
    private ITimer? _detachedExpiry;

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

        var endpoint = Endpoint;
        if (endpoint.TrySend(stanza))
        {
            return true;
        }

        // The transport was detached or replaced while this was sent: the session's current one takes it.
        var now = Endpoint;
        return !ReferenceEquals(now, endpoint) && now.TrySend(stanza);
    }

    /// <summary>
    /// Keeps the session without a transport for up to <paramref name="keep"/>: from now on its stanzas
    /// are held, up to <paramref name="capacity"/>, until <see cref="Attach"/>. When the time runs out
    /// first, or the held queue is terminated, <paramref name="end"/> ends the session (the caller
    /// unbinds it and announces it gone). Nothing happens when <paramref name="transport"/> is no longer the session's.
    /// </summary>
    public void Detach(ISessionEndpoint transport, int capacity, TimeSpan keep, TimeProvider time, Func<ClientSession, Task> end)
    {
        var held = new HeldStanzas(capacity, _ => EndDetached());
        if (Interlocked.CompareExchange(ref _endpoint, held, transport) != transport)
        {
            return;
        }

        Volatile.Write(ref _detachedExpiry, time.CreateTimer(_ => EndDetached(), null, keep, Timeout.InfiniteTimeSpan));

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
    public bool Attach(ISessionEndpoint transport)
    {
        if (Endpoint is not HeldStanzas held || Interlocked.Exchange(ref _detachedExpiry, null) is not { } timer)
        {
            return false;
        }

        timer.Dispose();
        held.HandOver(transport, () => Volatile.Write(ref _endpoint, transport));
        return true;
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
