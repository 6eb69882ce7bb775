using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>One message or presence for a handler chain.</summary>
/// <param name="Stanza">The stanza, 'from' already stamped with the sender's full JID.</param>
/// <param name="From">The sending session.</param>
/// <param name="To">The prepared 'to', or null when absent.</param>
/// <remarks>A struct: one is made for each routed stanza, and a routed message should allocate nothing.</remarks>
internal readonly record struct StanzaContext(Element Stanza, ClientSession From, Jid? To, Addressed Addressed, CancellationToken CancellationToken);
