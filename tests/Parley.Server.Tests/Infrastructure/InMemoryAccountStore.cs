using System.Collections.Concurrent;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>An account store for socket-free unit tests.</summary>
internal sealed class InMemoryAccountStore : IAccountStore
{
    private readonly ConcurrentDictionary<Jid, IReadOnlyList<ScramCredential>> _accounts = new();

    public Task<bool> CreateAsync(Jid account, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken = default) =>
        Task.FromResult(_accounts.TryAdd(account, credentials));

    public Task<bool> SetCredentialsAsync(Jid account, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken = default)
    {
        if (!_accounts.ContainsKey(account))
        {
            return Task.FromResult(false);
        }

        _accounts[account] = credentials;
        return Task.FromResult(true);
    }

    public Task<bool> DeleteAsync(Jid account, CancellationToken cancellationToken = default) => Task.FromResult(_accounts.TryRemove(account, out _));

    public Task<bool> ExistsAsync(Jid account, CancellationToken cancellationToken = default) => Task.FromResult(_accounts.ContainsKey(account));

    public Task<IReadOnlyList<Jid>> ListAsync(string? domain, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Jid>>([.. _accounts.Keys.Where(j => domain is null || j.Domain == domain).OrderBy(j => j.ToString(), StringComparer.Ordinal)]);

    /// <summary>When set, credential lookups throw it, as a storage fault would.</summary>
    public Exception? LookupFailure { get; set; }

    public Task<ScramCredential?> FindCredentialAsync(Jid account, ScramHash hash, CancellationToken cancellationToken = default) =>
        LookupFailure is { } failure
            ? Task.FromException<ScramCredential?>(failure)
            : Task.FromResult(_accounts.TryGetValue(account, out var credentials) ? credentials.FirstOrDefault(c => c.Hash == hash) : null);
}
