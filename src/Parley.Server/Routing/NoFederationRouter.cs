using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>Federation disabled (S2s:Port 0): RFC 6120 §10.4.3, a remote domain cannot be reached (the delivery bounces).</summary>
internal sealed class NoFederationRouter : IRemoteRouter
{
    public bool TrySend(Element stanza, Jid from, Jid to) => false;
}
