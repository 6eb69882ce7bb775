using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Storage;

/// <summary>
/// Accounts and their SCRAM credentials, keyed by prepared bare JID. Passwords never reach the
/// store: callers derive <see cref="ScramCredential"/>s (one per supported hash) first.
/// Implementations must be safe to use from the server and the `parley user` command at once.
/// </summary>
public interface IAccountStore
{
    /// <summary>Creates the account; false when it already exists.</summary>
    Task<bool> CreateAsync(Jid account, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken = default);

    /// <summary>Replaces the credentials; false when there is no such account.</summary>
    Task<bool> SetCredentialsAsync(Jid account, IReadOnlyList<ScramCredential> credentials, CancellationToken cancellationToken = default);

    /// <summary>Deletes the account and everything stored for it; false when there was none.</summary>
    Task<bool> DeleteAsync(Jid account, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(Jid account, CancellationToken cancellationToken = default);

    /// <summary>The accounts of a domain (all domains when null), ordered by JID.</summary>
    Task<IReadOnlyList<Jid>> ListAsync(string? domain, CancellationToken cancellationToken = default);

    /// <summary>The credential for one hash, or null when the account or that hash is unknown.</summary>
    Task<ScramCredential?> FindCredentialAsync(Jid account, ScramHash hash, CancellationToken cancellationToken = default);
}
