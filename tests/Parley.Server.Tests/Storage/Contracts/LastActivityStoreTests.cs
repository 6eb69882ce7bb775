using Parley.Server.Modules.LastActivity;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary>The XEP-0012 last logout store on every engine.</summary>
public abstract class LastActivityStoreTests(StorageEngine engine) : StoreContract(engine)
{
    private SqlLastActivityStore Store => new(Sql);

    [Fact]
    public async Task A_logout_is_kept_replaced_and_deleted_with_its_account()
    {
        var juliet = await AccountAsync("juliet@localhost");
        var romeo = await AccountAsync("romeo@localhost");
        Assert.Null(await Store.GetAsync(juliet, None));

        var first = new LastLogout(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), "Gone to the masque ✨");
        await Store.SetAsync(juliet, first, None);
        Assert.Equal(first, await Store.GetAsync(juliet, None));
        Assert.Null(await Store.GetAsync(romeo, None));

        var second = new LastLogout(DateTimeOffset.FromUnixTimeSeconds(4_102_444_800), "");
        await Store.SetAsync(juliet, second, None);
        Assert.Equal(second, await Store.GetAsync(juliet, None));

        Assert.True(await Accounts.DeleteAsync(juliet, None));

        // Its sessions end after the account is removed: their logout is not kept.
        await Store.SetAsync(juliet, first, None);
        Assert.True(await Accounts.CreateAsync(juliet, [], None));
        Assert.Null(await Store.GetAsync(juliet, None));
    }
}

public sealed class LastActivityStoreOnSqlite() : LastActivityStoreTests(StorageEngine.Sqlite);

public sealed class LastActivityStoreOnPostgres() : LastActivityStoreTests(StorageEngine.Postgres);
