using Parley.Server.Modules;
using Parley.Server.Modules.Ping;
using Parley.Server.Routing;
using Parley.Xmpp;

namespace Parley.Server.Tests.Routing;

public sealed class ModuleDispatcherTests
{
    // These tests never ping an account's bare JID, so the roster store behind AccountPrivacy is never asked.
    private static readonly AccountPrivacy NoAccountQueries = new(null!);

    [Fact]
    public void Duplicate_iq_key_fails_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ModuleDispatcher([new PingModule(NoAccountQueries), new PingModule(NoAccountQueries)]));
        Assert.Contains(Namespaces.Ping, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Iq_lookup_is_by_exact_key_and_addressee()
    {
        var dispatcher = new ModuleDispatcher([new PingModule(NoAccountQueries)]);
        Assert.NotNull(dispatcher.FindIq(new IqKey("get", "ping", Namespaces.Ping), Addressed.Server));
        Assert.Null(dispatcher.FindIq(new IqKey("set", "ping", Namespaces.Ping), Addressed.Server));
        Assert.Null(dispatcher.FindIq(new IqKey("get", "ping", Namespaces.Ping), Addressed.Unauthenticated));
        Assert.Equal([Namespaces.Ping], dispatcher.Features(Addressed.Server));
        Assert.Equal([Namespaces.Ping], dispatcher.Features(Addressed.Account));
    }
}
