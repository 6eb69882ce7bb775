using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Events;

/// <summary>
/// An account changed one of its PEP nodes itself (XEP-0163): published an item, retracted one,
/// purged or deleted the node. Not raised for what the server writes on the account's behalf, so
/// a module that mirrors one node into another does not hear its own writes.
/// </summary>
/// <param name="Account">The account's bare JID.</param>
/// <param name="Node">The node's name.</param>
/// <param name="Published">The published payload; null for a retraction, a purge or a deletion.</param>
internal sealed record PepNodeChanged(Jid Account, string Node, Element? Published);
