using System.Collections.Concurrent;
using System.Globalization;
using Parley.Server.Modules.Events;
using Parley.Server.Modules.Roster;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.LastActivity;

/// <summary>
/// XEP-0012 last activity answered by the server: for itself, its uptime (§5); for an account's
/// bare JID, the seconds since its last resource went offline (§4), to those who may see its
/// presence (RFC 6121: the account itself, or a contact the account shares its presence with;
/// anyone else gets forbidden, §4), and 0 while it has an available resource.
/// </summary>
/// <remarks>
/// The logout times are kept in memory, one per account that went offline since the server
/// started: an account that has not been online since then has no known last activity and is
/// answered item-not-found. The status text of the last unavailable presence is not kept.
/// </remarks>
internal sealed class LastActivityModule(TimeProvider time, ISessionDirectory sessions, IRosterStore rosters) : IXmppModule
{
    private readonly long _started = time.GetTimestamp();
    private readonly ConcurrentDictionary<Jid, long> _loggedOut = new();

    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.LastActivity);
        map.Iq("get", "query", Namespaces.LastActivity, Addressed.Server | Addressed.Account, QueryAsync);
        map.On<SessionClosed>(OnSessionClosedAsync);
    }

    private ValueTask OnSessionClosedAsync(SessionClosed closed)
    {
        if (sessions.Resources(closed.Session.Account).Count == 0)
        {
            _loggedOut[closed.Session.Account] = time.GetTimestamp();
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<IqReply> QueryAsync(IqContext context)
    {
        if (context.Addressed == Addressed.Server)
        {
            return Seconds(_started);
        }

        var account = context.To;
        if (context.From is not { } from
            || (!from.Account.Equals(account) && await rosters.FindAsync(account, from.Account, context.CancellationToken).ConfigureAwait(false) is not { State.HasFrom: true }))
        {
            // §4: the requester is not authorized to see the account's presence.
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (sessions.Resources(account).Any(r => r.IsAvailable))
        {
            return IqReply.Result(Query(0));
        }

        return _loggedOut.TryGetValue(account, out var since) ? Seconds(since) : IqReply.Fail(StanzaErrorCondition.ItemNotFound);
    }

    private IqReply Seconds(long since) => IqReply.Result(Query((long)time.GetElapsedTime(since).TotalSeconds));

    private static Element Query(long seconds) =>
        new Element("query", Namespaces.LastActivity).SetAttribute("seconds", seconds.ToString(CultureInfo.InvariantCulture));
}
