using System.Diagnostics.CodeAnalysis;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Sessions;

/// <summary>
/// A bound resource (RFC 6120 §7): its full JID, the connection that carries it, its presence and
/// the state modules keep for it (<see cref="Features"/>). It is also the origin of what its client
/// sends. Presence fields are written only by the session's own read loop (one owner) and read by routing.
/// Every stanza for it passes its outbound filters in <see cref="Send"/>, whoever sends it.
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

    public ISessionEndpoint Endpoint { get; } = endpoint;

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

        return Endpoint.TrySend(stanza);
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
