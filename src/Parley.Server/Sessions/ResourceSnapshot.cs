using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Sessions;

/// <summary>
/// A bound resource as a value, at one moment: what a module needs to decide about another
/// account's resources (RFC 6121 §8.5.2's bare-JID rules, presence answers) without holding the
/// live session. A cluster directory can give these for sessions on other nodes.
/// </summary>
/// <param name="Presence">The last available presence, or null while unavailable.</param>
internal readonly record struct ResourceSnapshot(Jid Jid, int Priority, Element? Presence)
{
    public bool IsAvailable => Presence is not null;
}
