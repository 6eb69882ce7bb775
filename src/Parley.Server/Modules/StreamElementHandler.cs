using Parley.Server.Sessions;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>
/// Handles a top-level element that is not a stanza on a bound client stream (XEP-0198 &lt;r/&gt; and
/// &lt;a/&gt;, XEP-0352 &lt;active/&gt;), on the session's read loop. Registered by exact name and
/// namespace (<see cref="ModuleMap.StreamElement"/>); any other non-stanza stays a stream error.
/// </summary>
internal delegate ValueTask StreamElementHandler(ClientSession session, Element element, CancellationToken cancellationToken);
