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
    /// <summary>The SCRAM hashes every account gets a credential for (RFC 5802, RFC 7677).</summary>
    private static readonly ScramHash[] Hashes = [ScramHash.Sha1, ScramHash.Sha256];

    /// <summary>Whether a domain (any spelling that prepares to a configured domain) is hosted here.</summary>
    public bool IsHosted(string domain)
    {
        string prepared;
        try
        {
            prepared = Jid.Create(null, domain).Domain;
        }
        catch (FormatException)
        {
            return false;
        }

        return options.Value.Domains.Contains(prepared, StringComparer.Ordinal);
    }

    public async Task<AccountResult> CreateAsync(Jid account, string password, CancellationToken cancellationToken = default)
    {
        if (Check(account) is { } refused)
        {
            return refused;
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
        store.ListAsync(domain is null ? null : Jid.Create(null, domain).Domain, cancellationToken);

    private AccountResult? Check(Jid account)
    {
        if (account.Local is null || !account.IsBare)
        {
            return AccountResult.InvalidAddress;
        }

        return options.Value.Domains.Contains(account.Domain, StringComparer.Ordinal) ? null : AccountResult.DomainNotHosted;
    }

    /// <summary>One credential per supported hash, or null when the password is not acceptable.</summary>
    private static ScramCredential[]? DeriveCredentials(string password)
    {
        // SWITCH POINT: RFC 6120 §6.3.8 and RFC 8265 §4.2 want the password prepared with PRECIS
        // OpaqueString before SCRAM's Hi(). Until Parley.Xmpp ships that preparation, the raw
        // password is used, which equals the prepared form for ASCII passwords without
        // leading/trailing or non-ASCII spaces. Replace this line (and only this one) with the PRECIS call.
        var prepared = password;
        if (prepared.Length == 0)
        {
            return null;
        }

        return Array.ConvertAll(Hashes, hash => ScramCredential.Derive(hash, prepared));
    }
}
