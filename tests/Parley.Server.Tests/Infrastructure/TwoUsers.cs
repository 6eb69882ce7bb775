namespace Parley.Server.Tests.Infrastructure;

/// <summary>The usual cast of a conversation test: a fresh server with juliet and romeo logged in and bound.</summary>
internal static class TwoUsers
{
    public static async Task<(TestServer Server, RawStream Juliet, RawStream Romeo)> StartAsync(params (string Key, string Value)[] settings)
    {
        var server = await TestServer.StartAsync(settings);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        var juliet = await RawStream.ConnectAsync(server.C2s);
        await juliet.LoginAsync("juliet", "secret", "balcony");
        var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "garden");
        return (server, juliet, romeo);
    }
}
