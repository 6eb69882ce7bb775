using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Federation;

/// <summary>
/// The endpoint of a remote sender (a stanza that arrived over an inbound server-to-server stream):
/// what the router and the modules send back to it (replies, errors, presence) leaves through the
/// outbound stream to its domain. It lets remote senders enter the same router as local sessions.
/// </summary>
internal sealed class RemoteEndpoint(S2sConnector connector, string localDomain) : ISessionEndpoint
{
    public string ConnectionId => "s2s:" + localDomain;

    /// <summary>None: per-address limits count the server-to-server connection, not its senders.</summary>
    public System.Net.IPAddress? RemoteAddress => null;

    public bool TrySend(Element stanza)
    {
        if (!Jid.TryParse(stanza.GetAttribute("to"), out var to))
        {
            return false;
        }

        var from = Jid.TryParse(stanza.GetAttribute("from"), out var stamped) ? stamped.Domain : localDomain;
        connector.Send(new DomainPair(from, to.Domain), stanza);
        return true;
    }

    public void Terminate(StreamErrorCondition condition, string? text = null)
    {
        // A remote sender has no stream of its own here: nothing to end.
    }
}
