using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>One message or presence for a handler chain.</summary>
/// <param name="Stanza">The stanza; from a local client, 'from' already stamped with its full JID.</param>
/// <param name="From">Who sent it: a local session, another domain's server, a component, or the server itself.</param>
/// <param name="To">The prepared 'to', or null when absent.</param>
/// <remarks>A struct: one is made for each routed stanza, and a routed message should allocate nothing.</remarks>
internal readonly record struct StanzaContext(Element Stanza, Origin From, Jid? To, Addressed Addressed, CancellationToken CancellationToken);
