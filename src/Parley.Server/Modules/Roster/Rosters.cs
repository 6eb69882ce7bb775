using System.Globalization;
using Parley.Server.Accounts;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Roster;

/// <summary>
/// The one place roster items change: each change runs under its account's lock, is stored (which
/// increases the roster version) and is pushed to the account's interested resources (RFC 6121
/// §2.1.6), whether a roster set or subscription handling caused it.
/// </summary>
internal sealed class Rosters(IRosterStore store, ISessionDirectory sessions, PendingRequestQuota pendingQuota, AccountLocks locks)
{
    private long _pushId;

    public IRosterStore Store => store;

    /// <summary>RFC 6121 §2.1.6: an "interested" resource requested the roster during this session; kept in the session.</summary>
    public static void MarkInterested(ClientSession session) => session.Features.Set(RosterInterest.Instance);

    /// <summary>The account's lock (<see cref="AccountLocks"/>): two read loops changing one roster take turns.</summary>
    public ValueTask<AccountLocks.Held> LockAsync(Jid account, CancellationToken cancellationToken) => locks.LockAsync(account, cancellationToken);

    /// <summary>
    /// Applies a subscription transition to the account's state toward the contact, stores what
    /// changed and pushes a visible change. Returns the state before and the outcome; a new
    /// pending inbound request past <see cref="PendingRequestQuota"/> changes nothing and is refused.
    /// </summary>
    /// <param name="request">The subscription request kept with a new pending inbound request (RFC 6121 §3.1.3: the whole stanza).</param>
    public async Task<(SubscriptionState Before, SubscriptionOutcome Outcome)> ApplyAsync(
        Jid account, Jid contact, Func<SubscriptionState, SubscriptionOutcome> transition, Element? request, CancellationToken cancellationToken)
    {
        using var held = await LockAsync(account, cancellationToken).ConfigureAwait(false);
        var item = await store.FindAsync(account, contact, cancellationToken).ConfigureAwait(false);
        var before = item?.State ?? new SubscriptionState(Subscription.None, PendingIn: await store.IsPendingAsync(account, contact, cancellationToken).ConfigureAwait(false));
        var outcome = transition(before);
        var after = outcome.State;
        if (after.PendingIn && !before.PendingIn && !await pendingQuota.AdmitsAsync(account, contact, cancellationToken).ConfigureAwait(false))
        {
            return (before, new SubscriptionOutcome(before, Forward: false, Refused: true));
        }

        if (after.PendingIn != before.PendingIn)
        {
            await store.SetPendingAsync(account, contact, after.PendingIn ? pendingQuota.StoredRequest(request) : null, cancellationToken).ConfigureAwait(false);
        }

        // Pending-in is not part of the item the client sees (RFC 6121 §2.1.2), and a request
        // from a stranger creates no item (§3.1.3).
        var visibleChange = after with { PendingIn = false } != before with { PendingIn = false };
        if (visibleChange && (item is not null || after.Subscription != Subscription.None || after.PendingOut || after.Approved))
        {
            var saved = (item ?? RosterItem.Bare(contact, after)) with { State = after };
            var version = await store.SaveAsync(account, saved, cancellationToken).ConfigureAwait(false);
            PushItem(account, version, saved);
        }

        return (before, outcome);
    }

    public void PushItem(Jid account, long version, RosterItem item) => Push(account, version, query => RosterXml.AddItem(query, item));

    public void PushRemoved(Jid account, long version, Jid contact) => Push(account, version, query => RosterXml.AddRemoved(query, contact.ToString()));

    private void Push(Jid account, long version, Action<Element> addItem)
    {
        foreach (var resource in sessions.Resources(account))
        {
            if (resource.Features.Get<RosterInterest>() is not null)
            {
                var query = RosterXml.Query(version);
                addItem(query);
                var id = "push" + Interlocked.Increment(ref _pushId).ToString(CultureInfo.InvariantCulture);
                resource.Send(RosterXml.Push(resource.Jid.ToString(), id, query));
            }
        }
    }

    private sealed class RosterInterest
    {
        public static readonly RosterInterest Instance = new();
    }

}
