using System.Globalization;
using Parley.Server.Modules.Events;
using Parley.Server.Modules.Roster;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.LastActivity;

/// <summary>
/// XEP-0012 last activity answered by the server: for itself, its uptime (§5); for an account's
/// bare JID (§4), to those who may see its presence (RFC 6121: the account itself, or a contact the
/// account shares its presence with; anyone else gets forbidden): 0 while it has an available
/// resource, else the seconds since its last resource went offline, with the status text of its
/// last unavailable presence. Logouts are stored (<see cref="ILastActivityStore"/>), so they survive
/// restarts; an account that never logged out is item-not-found.
/// </summary>
internal sealed class LastActivityModule(TimeProvider time, ISessionDirectory sessions, IRosterStore rosters, ILastActivityStore store) : IXmppModule
{
    private readonly long _started = time.GetTimestamp();

    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.LastActivity);
        map.Iq("get", "query", Namespaces.LastActivity, Addressed.Server | Addressed.Account, QueryAsync);
        map.Outgoing(StanzaKinds.Presence, Addressed.Account, RememberStatusAsync, Order.First);
        map.On<SessionClosed>(OnSessionClosedAsync);
    }

    /// <summary>§4: the status the resource leaves with is that of its last unavailable broadcast; available presence clears it.</summary>
    private static ValueTask<Handling> RememberStatusAsync(StanzaContext context)
    {
        if (context.To is null && context.From is ClientSession session && Stanza.Type(context.Stanza) is null or "unavailable")
        {
            session.Features.GetOrAdd(() => new LeavingStatus()).Text =
                Stanza.Type(context.Stanza) is null ? "" : context.Stanza.ChildText("status", Namespaces.Client) ?? "";
        }

        return ValueTask.FromResult(Handling.Continue);
    }

    private async ValueTask OnSessionClosedAsync(SessionClosed closed)
    {
        var session = closed.Session;
        if (sessions.Resources(session.Account).Count == 0)
        {
            var status = session.Features.Get<LeavingStatus>()?.Text ?? "";
            await store.SetAsync(session.Account, new LastLogout(time.GetUtcNow(), status), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async ValueTask<IqReply> QueryAsync(IqContext context)
    {
        if (context.Addressed == Addressed.Server)
        {
            return IqReply.Result(Query((long)time.GetElapsedTime(_started).TotalSeconds, ""));
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
            return IqReply.Result(Query(0, ""));
        }

        if (await store.GetAsync(account, context.CancellationToken).ConfigureAwait(false) is not { } logout)
        {
            return IqReply.Fail(StanzaErrorCondition.ItemNotFound);
        }

        return IqReply.Result(Query(Math.Max(0, (long)(time.GetUtcNow() - logout.At).TotalSeconds), logout.Status));
    }

    private static Element Query(long seconds, string status) =>
        new Element("query", Namespaces.LastActivity).SetAttribute("seconds", seconds.ToString(CultureInfo.InvariantCulture)).AddText(status);

    /// <summary>The status text of a session's last unavailable presence.</summary>
    private sealed class LeavingStatus
    {
        public string Text { get; set; } = "";
    }
}
