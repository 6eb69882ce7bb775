using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>How a stanza for a domain this server does not host leaves (Federation implements it); only <see cref="StanzaDelivery"/> calls it.</summary>
internal interface IRemoteRouter
{
    /// <summary>
    /// Queues a stanza ('from' and 'to' set) on the stream from <paramref name="from"/>'s domain to
    /// <paramref name="to"/>'s; a later failure is bounced to a local sender. Never waits for the
    /// remote server. False when federation is off.
    /// </summary>
    bool TrySend(Element stanza, Jid from, Jid to);
}
