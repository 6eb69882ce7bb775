using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>
/// A hosted domain that is not a user domain. The router hands it every stanza addressed to its
/// domain or to a JID at it, after the sender's address was stamped and the filters ran; the
/// component answers for everything at its domain (XEP-0114 §1: the server routes, the component
/// decides). Registered in the service collection, so <see cref="HostedDomains"/> knows its domain.
/// </summary>
internal interface IComponentHandler
{
    /// <summary>The domain it serves, prepared (RFC 7622 §3.2).</summary>
    string Domain { get; }

    /// <summary><see cref="HostKind.InternalComponent"/> or <see cref="HostKind.ExternalComponent"/>.</summary>
    HostKind Kind { get; }

    /// <summary>
    /// Takes a stanza for <see cref="Domain"/> or a JID at it ('from' is a full address the server
    /// vouches for). Never waits on another connection's I/O. False when the component cannot take
    /// it now (an external component that is not connected): the sender is then answered with
    /// service-unavailable (RFC 6120 §8.3.3.19), as for any entity that is not there.
    /// </summary>
    ValueTask<bool> DeliverAsync(Element stanza, Jid to, CancellationToken cancellationToken);
}
