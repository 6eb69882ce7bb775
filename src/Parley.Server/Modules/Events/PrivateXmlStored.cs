using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Events;

/// <summary>
/// An account stored an element of its private XML (XEP-0049), committed; an element without
/// content removed what was stored under its name.
/// </summary>
internal sealed record PrivateXmlStored(Jid Account, Element Element);
