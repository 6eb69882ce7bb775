using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>XEP-0313 archives of accounts and rooms (<see cref="ArchiveOwner"/>), and the accounts' §6 preferences, on every storage engine.</summary>
internal interface IArchiveStore
{
    /// <summary>
    /// Appends the messages in one transaction, durable when the task completes. Messages of an
    /// account that no longer exists are skipped (it was removed while they waited to be written);
    /// a room's are kept (a room's archive ends with <see cref="DeleteAllAsync"/>).
    /// </summary>
    Task AppendAsync(IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken);

    /// <summary>The ids among <paramref name="ids"/> that are in the owner's archive.</summary>
    Task<IReadOnlySet<long>> ExistingAsync(ArchiveOwner owner, IReadOnlyList<long> ids, CancellationToken cancellationToken);

    Task<ArchivePage> QueryAsync(ArchiveOwner owner, ArchiveQuery query, CancellationToken cancellationToken);

    /// <summary>The oldest and newest message of the owner's archive (XEP-0313 §5 metadata), null when empty.</summary>
    Task<(ArchivedMessage First, ArchivedMessage Last)?> BoundsAsync(ArchiveOwner owner, CancellationToken cancellationToken);

    /// <summary>The largest id stored in any archive, 0 when none (ids continue above it after a restart).</summary>
    Task<long> LargestIdAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every message below the id, of every account and room (the retention task); returns how many.</summary>
    Task<int> DeleteBelowAsync(long id, CancellationToken cancellationToken);

    /// <summary>Deletes the owner's whole archive; returns how many messages it held.</summary>
    Task<int> DeleteAllAsync(ArchiveOwner owner, CancellationToken cancellationToken);

    /// <summary>The stored preferences, null when the account never set any.</summary>
    Task<ArchivePreferences?> GetPreferencesAsync(Jid account, CancellationToken cancellationToken);

    Task SetPreferencesAsync(Jid account, ArchivePreferences preferences, CancellationToken cancellationToken);
}
