using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>Federation disabled (S2s:Port 0): RFC 6120 §10.4.3, a remote domain cannot be reached.</summary>
internal sealed class NoFederationRouter : IRemoteRouter
{
    public ValueTask RouteAsync(ClientSession from, Element stanza, Jid to, CancellationToken cancellationToken)
    {
        Unhandled.Bounce(from, stanza, StanzaErrorCondition.RemoteServerNotFound);
        return ValueTask.CompletedTask;
    }

    public void Send(Element stanza, Jid from, Jid to)
    {
        // Presence and subscription answers for another domain go nowhere without federation.
    }
}
