using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Sessions;

/// <summary>
/// A bound resource (RFC 6120 §7): its full JID, the connection that carries it and its presence.
/// Presence fields are written only by the session's own read loop (one owner) and read by routing.
/// </summary>
internal sealed class ClientSession(Jid jid, ISessionEndpoint endpoint)
{
    private volatile Element? _presence;

    public Jid Jid { get; } = jid;

    public Jid Account { get; } = jid.Bare;

    public ISessionEndpoint Endpoint { get; } = endpoint;

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

    public bool Send(Element stanza) => Endpoint.TrySend(stanza);
}
