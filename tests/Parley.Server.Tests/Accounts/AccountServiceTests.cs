using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Accounts;
using Parley.Server.Storage;
using Parley.Server.Tests.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Tests.Accounts;

public sealed class AccountServiceTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Created_account_verifies_the_password_for_every_hash()
    {
        await using var services = await _data.CreateServicesAsync();
        var accounts = services.GetRequiredService<AccountService>();
        var alice = Jid.Parse("alice@localhost");

        Assert.Equal(AccountResult.Succeeded, await accounts.CreateAsync(alice, "correct horse"));

        Assert.True(await accounts.ExistsAsync(alice));
        await AssertPasswordAsync(services, alice, "correct horse");
    }

    [Fact]
    public async Task SetPassword_changes_what_verifies()
    {
        await using var services = await _data.CreateServicesAsync();
        var accounts = services.GetRequiredService<AccountService>();
        var alice = Jid.Parse("alice@localhost");
        await accounts.CreateAsync(alice, "old");

        Assert.Equal(AccountResult.Succeeded, await accounts.SetPasswordAsync(alice, "new"));

        await AssertPasswordAsync(services, alice, "new");
    }

    [Fact]
    public async Task Refusals_are_reported_as_results()
    {
        await using var services = await _data.CreateServicesAsync(("Domains:0", "example.com"));
        var accounts = services.GetRequiredService<AccountService>();
        var alice = Jid.Parse("alice@example.com");
        Assert.Equal(AccountResult.Succeeded, await accounts.CreateAsync(alice, "secret"));

        Assert.Equal(AccountResult.AlreadyExists, await accounts.CreateAsync(Jid.Parse("ALICE@Example.com"), "secret"));
        Assert.Equal(AccountResult.NotFound, await accounts.SetPasswordAsync(Jid.Parse("bob@example.com"), "secret"));
        Assert.Equal(AccountResult.NotFound, await accounts.RemoveAsync(Jid.Parse("bob@example.com")));
        Assert.Equal(AccountResult.DomainNotHosted, await accounts.CreateAsync(Jid.Parse("alice@localhost"), "secret"));
        Assert.Equal(AccountResult.InvalidAddress, await accounts.CreateAsync(Jid.Parse("example.com"), "secret"));
        Assert.Equal(AccountResult.InvalidAddress, await accounts.CreateAsync(Jid.Parse("carol@example.com/phone"), "secret"));
        Assert.Equal(AccountResult.InvalidPassword, await accounts.CreateAsync(Jid.Parse("carol@example.com"), ""));
        Assert.False(await accounts.ExistsAsync(Jid.Parse("carol@example.com")));
        Assert.Equal(AccountResult.Succeeded, await accounts.RemoveAsync(alice));
        Assert.Empty(await accounts.ListAsync("Example.COM"));
    }

    [Fact]
    public async Task Hosted_domains_compare_in_prepared_form()
    {
        await using var services = await _data.CreateServicesAsync(("Domains:0", "Example.COM."));
        var accounts = services.GetRequiredService<AccountService>();

        Assert.True(accounts.IsHosted("example.com"));
        Assert.True(accounts.IsHosted("EXAMPLE.com"));
        Assert.False(accounts.IsHosted("localhost"));
        Assert.False(accounts.IsHosted("not a domain"));
    }

    /// <summary>Recomputes StoredKey from the password and the stored salt (RFC 5802 §3).</summary>
    private static async Task AssertPasswordAsync(ServiceProvider services, Jid account, string password)
    {
        var store = services.GetRequiredService<IAccountStore>();
        foreach (var hash in Enum.GetValues<ScramHash>())
        {
            var stored = await store.FindCredentialAsync(account, hash);
            Assert.NotNull(stored);
            var expected = ScramCredential.Derive(hash, Precis.PreparePassword(password), stored.Salt, stored.Iterations);
            Assert.Equal(expected.StoredKey, stored.StoredKey);
            Assert.Equal(expected.ServerKey, stored.ServerKey);
        }
    }
}
