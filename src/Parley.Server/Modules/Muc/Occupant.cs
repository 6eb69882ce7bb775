using Parley.Server.Connections;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>A user in a room (XEP-0045 §5): one real full JID under one nick, with the role of this visit.</summary>
internal sealed class Occupant(string nick, Jid realJid, MucRole role, string occupantId, Element presence, TokenBucket messages)
{
    public string Nick { get; set; } = nick;

    /// <summary>The full JID the occupant joined from; what the room sends to.</summary>
    public Jid RealJid { get; } = realJid;

    public MucRole Role { get; set; } = role;

    /// <summary>XEP-0421: stable per room and real bare JID, opaque to other occupants.</summary>
    public string OccupantId { get; } = occupantId;

    /// <summary>The occupant's last available presence, as the room rebroadcasts it (show, status, priority, caps).</summary>
    public Element Presence { get; set; } = presence;

    /// <summary>Muc:MessagesPerSecond and Muc:MessageBurst for this occupant; the room's gate serializes its use.</summary>
    public TokenBucket Messages { get; } = messages;
}
