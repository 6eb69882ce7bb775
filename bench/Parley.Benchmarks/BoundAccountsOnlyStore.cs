using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Benchmarks;

/// <summary>
/// The account store routing is given. A recipient with a bound resource exists without asking
/// the store (StanzaRouter checks the session directory first), so any call here means the
/// benchmark left the path it claims to measure.
/// </summary>
internal sealed class BoundAccountsOnlyStore : IAccountStore
{
    public Task<bool> CreateAsync(Jid account, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken = default) => throw Unexpected();

    public Task<bool> SetCredentialsAsync(Jid account, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken = default) => throw Unexpected();

    public Task<bool> DeleteAsync(Jid account, CancellationToken cancellationToken = default) => throw Unexpected();

    public Task<bool> ExistsAsync(Jid account, CancellationToken cancellationToken = default) => throw Unexpected();

    public Task<IReadOnlyList<Jid>> ListAsync(string? domain, CancellationToken cancellationToken = default) => throw Unexpected();

    public Task<ScramCredential?> FindCredentialAsync(Jid account, ScramHash hash, CancellationToken cancellationToken = default) => throw Unexpected();

    private static InvalidOperationException Unexpected() => new("Routing between bound sessions reached the account store.");
}
