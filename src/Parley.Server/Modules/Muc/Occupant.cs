using Parley.Server.Connections;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// A user in a room (XEP-0045 §5) under one nick, with the role of this visit: one real full JID,
/// or several of the same bare JID when the user entered under the same nick from more than one
/// resource (multi-session nicks; each session receives what the room sends the occupant).
/// </summary>
internal sealed class Occupant(string nick, Jid realJid, MucRole role, string occupantId, Element presence, TokenBucket messages)
{
    public string Nick { get; set; } = nick;

    /// <summary>The full JID the occupant entered from first (of those still in the room): the JID moderators see.</summary>
    public Jid RealJid => Sessions[0];

    /// <summary>Every full JID in the room under this nick, in the order they entered; what the room sends to.</summary>
    public List<Jid> Sessions { get; } = [realJid];

    public MucRole Role { get; set; } = role;

    /// <summary>XEP-0421: stable per room and real bare JID, opaque to other occupants.</summary>
    public string OccupantId { get; } = occupantId;

    /// <summary>The occupant's last available presence, as the room rebroadcasts it (show, status, priority, caps).</summary>
    public Element Presence { get; set; } = presence;

    /// <summary>Muc:MessagesPerSecond and Muc:MessageBurst for this occupant; the room's gate serializes its use.</summary>
    public TokenBucket Messages { get; } = messages;
}
