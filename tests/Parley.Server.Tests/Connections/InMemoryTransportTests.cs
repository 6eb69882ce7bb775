using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;

namespace Parley.Server.Tests.Connections;

/// <summary>
/// The in-memory transport (<see cref="RawStream.InMemory"/>): a protocol test runs the whole c2s path
/// (STARTTLS, SASL, bind, routing) with no socket, beside clients on real sockets.
/// </summary>
public sealed class InMemoryTransportTests
{
    [Fact]
    public async Task A_client_over_pipes_logs_in_with_starttls_and_talks_to_a_socket_client()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var juliet = RawStream.InMemory(server);
        Assert.Equal("juliet@localhost/balcony", await juliet.LoginAsync("juliet", "secret", "balcony"));
        Assert.NotNull(juliet.Tls);
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "garden");

        await juliet.SendAsync("<message to='romeo@localhost/garden' type='chat' id='m1'><body>over pipes</body></message>");
        var message = await romeo.ExpectStanzaAsync("message");
        Assert.Equal(("juliet@localhost/balcony", "over pipes"), (message.GetAttribute("from"), message.ChildText("body", Namespaces.Client)));

        await romeo.SendAsync("<message to='juliet@localhost/balcony' type='chat' id='m2'><body>over a socket</body></message>");
        Assert.Equal("over a socket", (await juliet.ExpectStanzaAsync("message")).ChildText("body", Namespaces.Client));
    }
}
