using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>Adds the XEP-0030 §4 &lt;item/&gt; elements a module lists for an addressee to the answer's &lt;query/&gt;.</summary>
internal delegate ValueTask DiscoItems(IqContext request, Element query);
