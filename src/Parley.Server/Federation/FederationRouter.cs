using Parley.Server.Routing;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Federation;

/// <summary>RFC 6120 §10.4: stanzas for domains this server does not host leave through the outbound stream of their domain pair.</summary>
internal sealed class FederationRouter(S2sConnector connector) : IRemoteRouter
{
    public bool TrySend(Element stanza, Jid from, Jid to)
    {
        connector.Send(new DomainPair(from.Domain, to.Domain), stanza);
        return true;
    }
}
