using Parley.Server.Modules.Roster;
using Parley.Xmpp.Addressing;

namespace Parley.Benchmarks;

/// <summary>
/// The roster store the archive is given: under its default policy ("always") the archive never asks
/// the roster, so any call here means the benchmark left the path it measures.
/// </summary>
internal sealed class NoRosterStore : IRosterStore
{
    public Task<RosterSnapshot> GetAsync(Jid account, CancellationToken cancellationToken) => throw Unexpected();

    public Task<RosterItem?> FindAsync(Jid account, Jid contact, CancellationToken cancellationToken) => throw Unexpected();

    public Task<int> CountAsync(Jid account, CancellationToken cancellationToken) => throw Unexpected();

    public Task<long> SaveAsync(Jid account, RosterItem item, CancellationToken cancellationToken) => throw Unexpected();

    public Task<long?> RemoveAsync(Jid account, Jid contact, CancellationToken cancellationToken) => throw Unexpected();

    public Task<bool> IsPendingAsync(Jid account, Jid contact, CancellationToken cancellationToken) => throw Unexpected();

    public Task SetPendingAsync(Jid account, Jid contact, string? status, CancellationToken cancellationToken) => throw Unexpected();

    public Task<IReadOnlyList<(Jid Contact, string Status)>> PendingAsync(Jid account, CancellationToken cancellationToken) => throw Unexpected();

    private static InvalidOperationException Unexpected() => new("The archive asked the roster under its default policy.");
}
