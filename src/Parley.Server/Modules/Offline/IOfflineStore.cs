using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Offline;

/// <summary>Durable per-account queues of messages that arrived while no resource was available (XEP-0160).</summary>
internal interface IOfflineStore
{
    /// <summary>
    /// Appends the message unless the account already holds <see cref="OfflineQuota.Messages"/>
    /// messages or the message would take its stored XML past <see cref="OfflineQuota.Bytes"/>; the
    /// write is committed when the task completes.
    /// </summary>
    /// <returns>False when the queue is full.</returns>
    Task<bool> TryAddAsync(Jid account, Element message, DateTimeOffset receivedAt, OfflineQuota quota, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> of the oldest messages, in arrival order, without removing them.</summary>
    Task<IReadOnlyList<OfflineMessage>> PeekAsync(Jid account, int max, CancellationToken cancellationToken = default);

    /// <summary>Removes the account's messages up to and including <paramref name="lastId"/>.</summary>
    Task RemoveThroughAsync(Jid account, long lastId, CancellationToken cancellationToken = default);

    Task<int> CountAsync(Jid account, CancellationToken cancellationToken = default);
}
