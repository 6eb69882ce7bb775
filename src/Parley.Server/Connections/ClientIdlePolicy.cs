using Parley.Server.Diagnostics;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// The idle probe and timeout of a bound client stream, checked by <see cref="C2sRole"/> on each
/// heartbeat: after Limits:IdleProbeSeconds of silence a XEP-0199 ping, which any live client
/// answers (a result, or an error if it lacks ping: either is traffic); after
/// Limits:IdleTimeoutSeconds of silence &lt;connection-timeout/&gt; (RFC 6120 §4.9.3.4), and the
/// session's end is published so its unavailable presence goes out (RFC 6121 §4.6.3). An
/// application-level ping rather than whitespace: whitespace only proves the local TCP buffer took
/// it, a ping's answer proves the peer is there. Client policy only: servers and components are not pinged.
/// </summary>
internal sealed class ClientIdlePolicy(ConnectionServices services, XmppConnection connection)
{
    private int _probes;
    private long _probedSpell = -1;

    public void Check(long now, ClientSession session)
    {
        var frequency = services.Heartbeat.Time.TimestampFrequency;
        var limits = services.Options.Limits;
        var lastReceived = connection.LastReceived;
        var silent = now - lastReceived;
        if (silent >= limits.IdleTimeoutSeconds * frequency)
        {
            ConnectionLog.IdleTimeout(services.Logger, connection.ConnectionId);
            connection.Terminate(StreamErrorCondition.ConnectionTimeout, "No traffic");
            return;
        }

        // One probe per quiet spell: a new spell starts whenever the peer sends anything.
        if (silent >= limits.IdleProbeSeconds * frequency && Interlocked.Exchange(ref _probedSpell, lastReceived) != lastReceived)
        {
            ConnectionLog.IdleProbe(services.Logger, connection.ConnectionId);
            var ping = new Element("iq", Namespaces.Client)
                .SetAttribute("type", "get")
                .SetAttribute("id", "idle-" + Interlocked.Increment(ref _probes).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .SetAttribute("from", session.Jid.Domain)
                .SetAttribute("to", session.Jid.ToString());
            ping.AddElement("ping", Namespaces.Ping);
            // Through the session: a stanza like any other, counted by stream management (XEP-0198 §4).
            session.Send(ping);
        }
    }
}
