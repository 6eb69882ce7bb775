using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Events;

/// <summary>An account set its vCard (XEP-0054 §3.2) and it is stored: what mirrors it (XEP-0398) follows.</summary>
internal sealed record VCardStored(Jid Account, Element VCard);
