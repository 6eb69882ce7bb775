using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>One stanza a room action emits: from the room or an occupant JID, to a real JID, 'from' and 'to' set on it.</summary>
internal readonly record struct RoomSend(Jid From, Jid To, Element Stanza);
