using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>How a stanza for a domain this server does not host leaves (Federation implements it).</summary>
internal interface IRemoteRouter
{
    ValueTask RouteAsync(ClientSession from, Element stanza, Jid to, CancellationToken cancellationToken);
}
