using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Roster;
using Parley.Server.Storage;
using Parley.Server.Tests.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Tests.Roster;

public sealed class SqlRosterStoreTests : IDisposable
{
    private static readonly Jid Juliet = Jid.Parse("juliet@localhost");
    private static readonly Jid Romeo = Jid.Parse("romeo@localhost");
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    [Trait("Conformance", "RFC 6121 §2.6.1")]
    public async Task Items_round_trip_and_every_change_increases_the_version()
    {
        await using var services = await _data.CreateServicesAsync();
        await services.GetRequiredService<IAccountStore>().CreateAsync(Juliet, ScramCredentials.FromPassword("secret"));
        var store = new SqlRosterStore(services.GetRequiredService<SqlDatabase>());

        Assert.Equal(0, (await store.GetAsync(Juliet, default)).Version);
        var item = new RosterItem(Romeo, "Romeo", ["Friends", "Montague, house"], new SubscriptionState(Subscription.To, PendingOut: false, Approved: true));
        var first = await store.SaveAsync(Juliet, item, default);
        await store.SetPendingAsync(Juliet, Romeo, "Hello", default);

        var found = await store.FindAsync(Juliet, Romeo, default);
        Assert.NotNull(found);
        Assert.Equal(item.Name, found.Name);
        Assert.Equal(item.Groups, found.Groups);
        Assert.Equal(item.State with { PendingIn = true }, found.State);
        Assert.Equal([(Romeo, "Hello")], await store.PendingAsync(Juliet, default));

        var removed = await store.RemoveAsync(Juliet, Romeo, default);
        Assert.True(removed > first);
        Assert.Null(await store.RemoveAsync(Juliet, Romeo, default));
        Assert.Equal(removed, (await store.GetAsync(Juliet, default)).Version);
    }

    [Fact]
    public async Task Deleting_the_account_deletes_its_roster()
    {
        await using var services = await _data.CreateServicesAsync();
        var accounts = services.GetRequiredService<IAccountStore>();
        await accounts.CreateAsync(Juliet, ScramCredentials.FromPassword("secret"));
        var store = new SqlRosterStore(services.GetRequiredService<SqlDatabase>());
        await store.SaveAsync(Juliet, RosterItem.Bare(Romeo, new SubscriptionState(Subscription.Both)), default);
        await store.SetPendingAsync(Juliet, Romeo, "", default);

        Assert.True(await accounts.DeleteAsync(Juliet));
        await accounts.CreateAsync(Juliet, ScramCredentials.FromPassword("secret"));
        var roster = await store.GetAsync(Juliet, default);
        Assert.Empty(roster.Items);
        Assert.Equal(0, roster.Version);
        Assert.Empty(await store.PendingAsync(Juliet, default));
    }
}
