using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Accounts;

/// <summary>
/// Account administration shared by the `parley user` command and in-band registration: checks
/// that the address is a bare JID of a hosted domain, turns the password into SCRAM credentials
/// for every supported hash, and keeps only those in <see cref="IAccountStore"/>.
/// </summary>
internal sealed class AccountService(IAccountStore store, IOptions<ParleyOptions> options)
{
    /// <summary>Whether a domain (any spelling that prepares to a configured domain) is hosted here.</summary>
    public bool IsHosted(string domain)
    {
        return Precis.TryPrepareDomain(domain, out var prepared) && options.Value.Domains.Contains(prepared, StringComparer.Ordinal);
    }

    public async Task<AccountResult> CreateAsync(Jid account, string password, CancellationToken cancellationToken = default)
    {
        if (Check(account) is { } refused)
        {
            return refused;
        }

        // A taken name is answered before the key derivations (PBKDF2 for each hash), which cost
        // milliseconds of CPU; the store still refuses a name taken in between.
        if (await store.ExistsAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return AccountResult.AlreadyExists;
        }

        if (DeriveCredentials(password) is not { } credentials)
        {
            return AccountResult.InvalidPassword;
        }

        return await store.CreateAsync(account, credentials, cancellationToken).ConfigureAwait(false)
            ? AccountResult.Succeeded
            : AccountResult.AlreadyExists;
    }

    public async Task<AccountResult> SetPasswordAsync(Jid account, string password, CancellationToken cancellationToken = default)
    {
        if (Check(account) is { } refused)
        {
            return refused;
        }

        if (!await store.ExistsAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return AccountResult.NotFound;
        }

        if (DeriveCredentials(password) is not { } credentials)
        {
            return AccountResult.InvalidPassword;
        }

        return await store.SetCredentialsAsync(account, credentials, cancellationToken).ConfigureAwait(false)
            ? AccountResult.Succeeded
            : AccountResult.NotFound;
    }

    public async Task<AccountResult> RemoveAsync(Jid account, CancellationToken cancellationToken = default)
    {
        if (Check(account) is { } refused)
        {
            return refused;
        }

        return await store.DeleteAsync(account, cancellationToken).ConfigureAwait(false)
            ? AccountResult.Succeeded
            : AccountResult.NotFound;
    }

    public Task<bool> ExistsAsync(Jid account, CancellationToken cancellationToken = default) =>
        Check(account) is null ? store.ExistsAsync(account, cancellationToken) : Task.FromResult(false);

    /// <summary>The accounts of one domain (prepared form), or of every domain when null, ordered by JID.</summary>
    public Task<IReadOnlyList<Jid>> ListAsync(string? domain, CancellationToken cancellationToken = default) =>
        store.ListAsync(domain is null ? null : Precis.PrepareDomain(domain), cancellationToken);

    private AccountResult? Check(Jid account)
    {
        if (account.Local is null || !account.IsBare)
        {
            return AccountResult.InvalidAddress;
        }

        return options.Value.Domains.Contains(account.Domain, StringComparer.Ordinal) ? null : AccountResult.DomainNotHosted;
    }

    /// <summary>One credential per supported hash, or null when the password is not acceptable.</summary>
    private static IReadOnlyList<ScramCredential>? DeriveCredentials(string password)
    {
        try
        {
            // RFC 6120 §6.3.8 / RFC 8265 §4.2: PRECIS OpaqueString before SCRAM's Hi().
            return ScramCredentials.FromPassword(password);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
