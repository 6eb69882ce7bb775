using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Messages.Chat;

namespace Parley.Server.Tests.Messages;

/// <summary>RFC 6121 §8.5 message delivery over real sockets, with several resources and priorities.</summary>
public sealed class MessageDeliveryTests
{
    private static async Task<TestServer> ServerAsync()
    {
        var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return server;
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.2.1.1")]
    public async Task Bare_jid_chat_goes_to_every_highest_priority_resource_and_headline_to_every_non_negative_one()
    {
        await using var server = await ServerAsync();
        await using var a = await OnlineAsync(server, "romeo", "a", 5);
        await using var b = await OnlineAsync(server, "romeo", "b", 5);
        await using var c = await OnlineAsync(server, "romeo", "c", 1);
        await using var negative = await OnlineAsync(server, "romeo", "d", -1);
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");

        await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>chat</body></message>");
        await juliet.SendAsync("<message to='romeo@localhost'><body>normal</body></message>");
        await juliet.SendAsync("<message to='romeo@localhost' type='headline'><body>headline</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(juliet));

        Assert.Equal(["chat", "normal", "headline"], (await MessagesUntilPongAsync(a)).Select(Body));
        Assert.Equal(["chat", "normal", "headline"], (await MessagesUntilPongAsync(b)).Select(Body));
        Assert.Equal(["headline"], (await MessagesUntilPongAsync(c)).Select(Body));
        Assert.Empty(await MessagesUntilPongAsync(negative));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.3.1")]
    public async Task Full_jid_reaches_a_negative_priority_resource()
    {
        await using var server = await ServerAsync();
        await using var negative = await OnlineAsync(server, "romeo", "d", -1);
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await juliet.SendAsync("<message to='romeo@localhost/d' type='chat'><body>direct</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(juliet));
        Assert.Equal(["direct"], (await MessagesUntilPongAsync(negative)).Select(Body));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.2.1.1 §8.5.3.2.1")]
    public async Task Groupchat_to_a_user_is_service_unavailable_and_errors_are_never_answered()
    {
        await using var server = await ServerAsync();
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await juliet.SendAsync("<message to='romeo@localhost' type='groupchat' id='g1'><body>x</body></message>");
        await juliet.SendAsync("<message to='romeo@localhost/elsewhere' type='groupchat' id='g2'><body>x</body></message>");
        await juliet.SendAsync("<message to='romeo@localhost' type='error' id='e1'/>");
        var errors = await MessagesUntilPongAsync(juliet);
        Assert.Equal(["g1", "g2"], errors.Select(e => e.GetAttribute("id")));
        Assert.All(errors, e => Assert.Equal("service-unavailable", Condition(e)));
        Assert.Empty(await MessagesUntilPongAsync(romeo));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.3.2.1")]
    public async Task Chat_to_an_unbound_resource_goes_to_the_bare_jid()
    {
        await using var server = await ServerAsync();
        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await juliet.SendAsync("<message to='romeo@localhost/gone' type='chat'><body>rerouted</body></message>");
        await juliet.SendAsync("<message to='romeo@localhost/gone' type='headline'><body>news</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(juliet));
        Assert.Equal(["rerouted", "news"], (await MessagesUntilPongAsync(romeo)).Select(Body));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.1")]
    public async Task Unknown_user_bounces_chat_and_ignores_headline()
    {
        await using var server = await ServerAsync();
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");
        await juliet.SendAsync("<message to='nobody@localhost' type='headline' id='h'><body>x</body></message>");
        await juliet.SendAsync("<message to='nobody@localhost/r' type='chat' id='c'><body>x</body></message>");
        var errors = await MessagesUntilPongAsync(juliet);
        Assert.Equal("c", Assert.Single(errors).GetAttribute("id"));
        Assert.Equal("service-unavailable", Condition(errors[0]));
    }
}
