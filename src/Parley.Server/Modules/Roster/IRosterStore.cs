using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Roster;

/// <summary>
/// Rosters and pending inbound subscription requests, keyed by the account's bare JID. Every
/// change of an item increases the account's roster version (RFC 6121 §2.6) and is durable when
/// the returned task completes. Pending-in is kept apart from items because a request from a
/// stranger creates no roster item (RFC 6121 §3.1.3).
/// </summary>
internal interface IRosterStore
{
    Task<RosterSnapshot> GetAsync(Jid account, CancellationToken cancellationToken);

    /// <summary>The item, or null when the contact is not in the roster.</summary>
    Task<RosterItem?> FindAsync(Jid account, Jid contact, CancellationToken cancellationToken);

    Task<int> CountAsync(Jid account, CancellationToken cancellationToken);

    /// <summary>Adds or replaces the item; returns the new roster version.</summary>
    Task<long> SaveAsync(Jid account, RosterItem item, CancellationToken cancellationToken);

    /// <summary>Removes the item; returns the new roster version, or null when there was no such item.</summary>
    Task<long?> RemoveAsync(Jid account, Jid contact, CancellationToken cancellationToken);

    /// <summary>Whether a subscription request from the contact awaits an answer.</summary>
    Task<bool> IsPendingAsync(Jid account, Jid contact, CancellationToken cancellationToken);

    /// <summary>Records (status is the request's status text, possibly empty) or with null clears a pending request.</summary>
    Task SetPendingAsync(Jid account, Jid contact, string? status, CancellationToken cancellationToken);

    /// <summary>Every pending request: the contact and the status text it was sent with.</summary>
    Task<IReadOnlyList<(Jid Contact, string Status)>> PendingAsync(Jid account, CancellationToken cancellationToken);
}
