using Parley.Server.Modules.Archive;
using Parley.Xmpp.Addressing;

namespace Parley.Benchmarks;

/// <summary>
/// An archive that takes every batch and keeps nothing, so a benchmark measures what archiving costs
/// the delivery path and the writer's queue, without the database insert. Nobody has preferences
/// (the default policy applies); anything else means the benchmark left the path it measures.
/// </summary>
internal sealed class DiscardingArchiveStore : IArchiveStore
{
    private long _appended;

    public long Appended => Interlocked.Read(ref _appended);

    public Task AppendAsync(IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _appended, messages.Count);
        return Task.CompletedTask;
    }

    public Task<ArchivePreferences?> GetPreferencesAsync(Jid account, CancellationToken cancellationToken) => Task.FromResult<ArchivePreferences?>(null);

    public Task<long> LargestIdAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<IReadOnlySet<long>> ExistingAsync(ArchiveOwner owner, IReadOnlyList<long> ids, CancellationToken cancellationToken) => throw Unexpected();

    public Task<ArchivePage> QueryAsync(ArchiveOwner owner, ArchiveQuery query, CancellationToken cancellationToken) => throw Unexpected();

    public Task<(ArchivedMessage First, ArchivedMessage Last)?> BoundsAsync(ArchiveOwner owner, CancellationToken cancellationToken) => throw Unexpected();

    public Task<int> DeleteBelowAsync(long id, CancellationToken cancellationToken) => throw Unexpected();

    public Task<int> DeleteAllAsync(ArchiveOwner owner, CancellationToken cancellationToken) => throw Unexpected();

    public Task SetPreferencesAsync(Jid account, ArchivePreferences preferences, CancellationToken cancellationToken) => throw Unexpected();

    private static InvalidOperationException Unexpected() => new("The benchmark only archives messages.");
}
