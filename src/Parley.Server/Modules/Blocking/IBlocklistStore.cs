using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Blocking;

/// <summary>Each account's blocklist (XEP-0191): prepared JIDs, durable across sessions and restarts.</summary>
internal interface IBlocklistStore
{
    Task<IReadOnlyList<Jid>> GetAsync(Jid account, CancellationToken cancellationToken);

    /// <summary>Adds the JIDs (those already blocked stay once), committed before it returns.</summary>
    Task AddAsync(Jid account, IReadOnlyCollection<Jid> items, CancellationToken cancellationToken);

    /// <summary>Removes the JIDs, or every one when <paramref name="items"/> is null, committed before it returns.</summary>
    Task RemoveAsync(Jid account, IReadOnlyCollection<Jid>? items, CancellationToken cancellationToken);
}
