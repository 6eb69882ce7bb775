using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>How a stanza for a domain this server does not host leaves (Federation implements it).</summary>
internal interface IRemoteRouter
{
    /// <summary>A stanza a local session sent to another domain ('from' stamped); failures are bounced to it.</summary>
    ValueTask RouteAsync(ClientSession from, Element stanza, Jid to, CancellationToken cancellationToken);

    /// <summary>
    /// A stanza the server sends on an account's behalf (presence broadcasts and probes, RFC 6121
    /// §4; subscription answers, §3), 'from' and 'to' set. Never waits for the remote server.
    /// </summary>
    void Send(Element stanza, Jid from, Jid to);
}
