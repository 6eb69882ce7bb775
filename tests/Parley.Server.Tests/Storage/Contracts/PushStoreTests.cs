using Parley.Server.Modules.Push;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary>The push registration store (XEP-0357) on every engine.</summary>
public abstract class PushStoreTests(StorageEngine engine) : StoreContract(engine)
{
    private SqlPushStore Push => new(Sql);

    private static readonly DateTimeOffset Noon = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Registrations_are_saved_replaced_by_key_and_removed_by_node_or_app_server()
    {
        var juliet = await AccountAsync("juliet@localhost");
        var romeo = await AccountAsync("romeo@localhost");
        var app = Jid.Parse("push.example.net");
        const string Options = "<x xmlns='jabber:x:data' type='submit'><field var='secret'><value>s€cret</value></field></x>";
        await Push.SaveAsync(new PushRegistration(juliet, app, "n1", Options, Noon), None);
        await Push.SaveAsync(new PushRegistration(juliet, app, "", null, Noon.AddSeconds(1)), None);
        await Push.SaveAsync(new PushRegistration(juliet, Jid.Parse("other.example"), "n1", null, Noon.AddSeconds(2)), None);
        await Push.SaveAsync(new PushRegistration(romeo, app, "n1", null, Noon), None);
        // The same key again replaces its options and time.
        await Push.SaveAsync(new PushRegistration(juliet, app, "n1", null, Noon.AddSeconds(3)), None);

        var all = await Push.LoadAllAsync(None);
        Assert.Equal(4, all.Count);
        Assert.Contains(new PushRegistration(juliet, app, "n1", null, Noon.AddSeconds(3)), all);
        Assert.Contains(new PushRegistration(juliet, app, "", null, Noon.AddSeconds(1)), all);

        await Push.SaveAsync(new PushRegistration(juliet, app, "n1", Options, Noon.AddSeconds(4)), None);
        Assert.Equal(Options, (await Push.LoadAllAsync(None)).Single(r => r.Account.Equals(juliet) && r.AppServer.Equals(app) && r.Node == "n1").PublishOptions);

        await Push.RemoveAsync(juliet, app, "n1", None);
        Assert.Equal(3, (await Push.LoadAllAsync(None)).Count);
        await Push.RemoveAsync(juliet, app, null, None);
        Assert.Equal(["other.example", "push.example.net"], (await Push.LoadAllAsync(None)).Select(r => r.AppServer.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deleting_an_account_deletes_its_registrations()
    {
        var juliet = await AccountAsync("juliet@localhost");
        await Push.SaveAsync(new PushRegistration(juliet, Jid.Parse("push.example.net"), "n1", null, Noon), None);
        Assert.True(await Accounts.DeleteAsync(juliet, None));
        Assert.Empty(await Push.LoadAllAsync(None));
    }
}

public sealed class PushStoreOnSqlite() : PushStoreTests(StorageEngine.Sqlite);

public sealed class PushStoreOnPostgres() : PushStoreTests(StorageEngine.Postgres);
