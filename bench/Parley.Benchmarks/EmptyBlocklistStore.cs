using Parley.Server.Modules.Blocking;
using Parley.Xmpp.Addressing;

namespace Parley.Benchmarks;

/// <summary>Every account's XEP-0191 blocklist is empty, the common case the blocking filter checks on each stanza.</summary>
internal sealed class EmptyBlocklistStore : IBlocklistStore
{
    public Task<IReadOnlyList<Jid>> GetAsync(Jid account, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Jid>>([]);

    public Task AddAsync(Jid account, IReadOnlyCollection<Jid> items, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The benchmark never changes a blocklist.");

    public Task RemoveAsync(Jid account, IReadOnlyCollection<Jid>? items, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The benchmark never changes a blocklist.");
}
