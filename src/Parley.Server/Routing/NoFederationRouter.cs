using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>Until federation exists: RFC 6120 §10.4.3, a remote domain cannot be reached.</summary>
internal sealed class NoFederationRouter : IRemoteRouter
{
    public ValueTask RouteAsync(ClientSession from, Element stanza, Jid to, CancellationToken cancellationToken)
    {
        Unhandled.Bounce(from, stanza, StanzaErrorCondition.RemoteServerNotFound);
        return ValueTask.CompletedTask;
    }
}
