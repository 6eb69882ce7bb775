using Parley.Server.Modules.Roster;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary><see cref="SqlRosterStore"/> on every engine.</summary>
public abstract class RosterStoreTests(StorageEngine engine) : StoreContract(engine)
{
    private static readonly Jid Romeo = Jid.Parse("romeo@localhost");

    private SqlRosterStore Store => new(Sql);

    [Fact]
    [Trait("Conformance", "RFC 6121 §2.6.1")]
    public async Task Items_round_trip_and_every_change_increases_the_version()
    {
        var juliet = await AccountAsync("juliet@localhost");

        Assert.Equal(0, (await Store.GetAsync(juliet, None)).Version);
        var item = new RosterItem(Romeo, "Romeo", ["Friends", "Montague, house"], new SubscriptionState(Subscription.To, PendingOut: false, Approved: true));
        var first = await Store.SaveAsync(juliet, item, None);
        await Store.SetPendingAsync(juliet, Romeo, "Hello", None);

        var found = await Store.FindAsync(juliet, Romeo, None);
        Assert.NotNull(found);
        Assert.Equal(item.Name, found.Name);
        Assert.Equal(item.Groups, found.Groups);
        Assert.Equal(item.State with { PendingIn = true }, found.State);
        Assert.Equal([(Romeo, "Hello")], await Store.PendingAsync(juliet, None));
        Assert.True(await Store.IsPendingAsync(juliet, Romeo, None));
        Assert.Equal(1, await Store.CountAsync(juliet, None));

        var removed = await Store.RemoveAsync(juliet, Romeo, None);
        Assert.True(removed > first);
        Assert.Null(await Store.RemoveAsync(juliet, Romeo, None));
        Assert.Equal(removed, (await Store.GetAsync(juliet, None)).Version);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    public async Task Every_flag_of_the_subscription_state_survives(bool pendingOut, bool approved, bool pendingIn)
    {
        var juliet = await AccountAsync("juliet@localhost");
        var state = new SubscriptionState(Subscription.From, pendingOut, pendingIn, approved);
        await Store.SaveAsync(juliet, RosterItem.Bare(Romeo, state), None);
        if (pendingIn)
        {
            await Store.SetPendingAsync(juliet, Romeo, "", None);
        }

        Assert.Equal(state, (await Store.FindAsync(juliet, Romeo, None))!.State);
        Assert.Equal(state, Assert.Single((await Store.GetAsync(juliet, None)).Items).State);
    }

    [Fact]
    public async Task Items_come_back_in_byte_order_and_concurrent_saves_each_get_their_own_version()
    {
        var juliet = await AccountAsync("juliet@localhost");
        var contacts = new[] { "b@x", "a-b@x", "A@y", "ab@x" }.Select(Jid.Parse).ToList();

        var versions = await Task.WhenAll(contacts.Select(c => Task.Run(() => Store.SaveAsync(juliet, RosterItem.Bare(c, new SubscriptionState(Subscription.None)), None))));

        Assert.Equal(4, versions.Distinct().Count());
        Assert.Equal(versions.Max(), (await Store.GetAsync(juliet, None)).Version);
        Assert.Equal(contacts.Select(c => c.ToString()).Order(StringComparer.Ordinal), (await Store.GetAsync(juliet, None)).Items.Select(i => i.Contact.ToString()));
    }

    [Fact]
    public async Task Deleting_the_account_deletes_its_roster()
    {
        var juliet = await AccountAsync("juliet@localhost");
        await Store.SaveAsync(juliet, RosterItem.Bare(Romeo, new SubscriptionState(Subscription.Both)), None);
        await Store.SetPendingAsync(juliet, Romeo, "", None);

        Assert.True(await Accounts.DeleteAsync(juliet));
        await Accounts.CreateAsync(juliet, ScramCredentials.FromPassword("secret"));
        var roster = await Store.GetAsync(juliet, None);
        Assert.Empty(roster.Items);
        Assert.Equal(0, roster.Version);
        Assert.Empty(await Store.PendingAsync(juliet, None));
    }
}

public sealed class RosterStoreOnSqlite() : RosterStoreTests(StorageEngine.Sqlite);

public sealed class RosterStoreOnPostgres() : RosterStoreTests(StorageEngine.Postgres);
