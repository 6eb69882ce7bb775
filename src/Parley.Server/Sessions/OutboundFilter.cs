using Parley.Xmpp.Xml;

namespace Parley.Server.Sessions;

/// <summary>
/// A check every stanza meets on its last step to a session, whatever sent it (routed, generated,
/// bounced): the place client state indication, carbons and stream management decide per session
/// (<c>ModuleMap.Outbound</c>). Runs on the sender's thread and must not block or await: it may
/// let the stanza through, or take it (hold it in the session's state, or drop it).
/// </summary>
internal delegate OutboundVerdict OutboundFilter(ClientSession recipient, Element stanza);
