using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>Per-account XEP-0313 archives and their §6 preferences, on every storage engine.</summary>
internal interface IArchiveStore
{
    /// <summary>
    /// Appends the messages in one transaction, durable when the task completes. Messages of an
    /// account that no longer exists are skipped (it was removed while they waited to be written).
    /// </summary>
    Task AppendAsync(IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken);

    /// <summary>The ids among <paramref name="ids"/> that are in the account's archive.</summary>
    Task<IReadOnlySet<long>> ExistingAsync(Jid account, IReadOnlyList<long> ids, CancellationToken cancellationToken);

    Task<ArchivePage> QueryAsync(Jid account, ArchiveQuery query, CancellationToken cancellationToken);

    /// <summary>The oldest and newest message of the account's archive (XEP-0313 §5 metadata), null when empty.</summary>
    Task<(ArchivedMessage First, ArchivedMessage Last)?> BoundsAsync(Jid account, CancellationToken cancellationToken);

    /// <summary>The largest id stored in any archive, 0 when none (ids continue above it after a restart).</summary>
    Task<long> LargestIdAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every message below the id, of every account (the retention task); returns how many.</summary>
    Task<int> DeleteBelowAsync(long id, CancellationToken cancellationToken);

    /// <summary>Deletes the account's whole archive; returns how many messages it held.</summary>
    Task<int> DeleteAllAsync(Jid account, CancellationToken cancellationToken);

    /// <summary>The stored preferences, null when the account never set any.</summary>
    Task<ArchivePreferences?> GetPreferencesAsync(Jid account, CancellationToken cancellationToken);

    Task SetPreferencesAsync(Jid account, ArchivePreferences preferences, CancellationToken cancellationToken);
}
