using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Accounts;
using Parley.Server.Modules.Offline;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;
using static Parley.Server.Tests.Messages.Chat;

namespace Parley.Server.Tests.Offline;

/// <summary>XEP-0160 offline storage with XEP-0203 delay stamps, over real sockets.</summary>
public sealed class OfflineTests
{
    private static async Task<TestServer> ServerAsync(params (string Key, string Value)[] settings)
    {
        var server = await TestServer.StartAsync(settings);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return server;
    }

    /// <summary>XEP-0203 §3: a delay from the server's domain with a UTC XEP-0082 stamp.</summary>
    private static DateTimeOffset AssertDelayed(Element message)
    {
        var delay = message.Child("delay", Namespaces.Delay);
        Assert.NotNull(delay);
        Assert.Equal(TestServer.Domain, delay.GetAttribute("from"));
        var stamp = delay.GetAttribute("stamp")!;
        Assert.EndsWith("Z", stamp, StringComparison.Ordinal);
        return DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture);
    }

    [Fact]
    [Trait("Conformance", "XEP-0160 §3")]
    public async Task Stored_messages_survive_a_restart_arrive_in_order_with_delay_and_are_then_gone()
    {
        using var data = new TempDataDirectory();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using (var first = await ServerAsync(("DataDirectory", data.Path)))
        {
            await using var juliet = await OnlineAsync(first, "juliet", "balcony");
            for (var i = 1; i <= 3; i++)
            {
                await juliet.SendAsync($"<message to='romeo@localhost' type='chat' id='m{i}'><body>{i}</body></message>");
            }

            // No error came back, and the router has handled all three: they are committed.
            Assert.Empty(await MessagesUntilPongAsync(juliet));
        }

        await using var second = await TestServer.StartAsync(("DataDirectory", data.Path));
        await using (var romeo = await OnlineAsync(second, "romeo", "garden"))
        {
            var messages = await MessagesUntilPongAsync(romeo);
            Assert.Equal(["1", "2", "3"], messages.Select(Body));
            Assert.Equal(["m1", "m2", "m3"], messages.Select(m => m.GetAttribute("id")));
            Assert.All(messages, m => Assert.Equal("juliet@localhost/balcony", m.GetAttribute("from")));
            var stamps = messages.Select(AssertDelayed).ToList();
            Assert.All(stamps, s => Assert.InRange(s, before, DateTimeOffset.UtcNow));
            Assert.Equal(stamps.Order(), stamps);
        }

        await using var again = await OnlineAsync(second, "romeo", "garden");
        Assert.Empty(await MessagesUntilPongAsync(again));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.2.2.1")]
    public async Task Headline_groupchat_and_chat_states_are_not_stored()
    {
        await using var server = await ServerAsync();
        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        {
            await juliet.SendAsync("<message to='romeo@localhost' type='headline'><body>news</body></message>");
            await juliet.SendAsync("<message to='romeo@localhost' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
            await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>private</body><no-store xmlns='urn:xmpp:hints'/></message>");
            await juliet.SendAsync("<message to='romeo@localhost' type='groupchat' id='g'><body>room</body></message>");
            await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>kept</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>");
            var errors = await MessagesUntilPongAsync(juliet);
            Assert.Equal("g", Assert.Single(errors).GetAttribute("id"));
            Assert.Equal("service-unavailable", Condition(errors[0]));
        }

        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        Assert.Equal(["kept"], (await MessagesUntilPongAsync(romeo)).Select(Body));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.2.2.1")]
    public async Task Quota_stores_the_limit_th_message_and_bounces_the_next()
    {
        await using var server = await ServerAsync(("Limits:MaxOfflineMessages", "3"));
        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        {
            for (var i = 1; i <= 4; i++)
            {
                await juliet.SendAsync($"<message to='romeo@localhost' id='q{i}'><body>{i}</body></message>");
            }

            var errors = await MessagesUntilPongAsync(juliet);
            Assert.Equal("q4", Assert.Single(errors).GetAttribute("id"));
            Assert.Equal("error", errors[0].GetAttribute("type"));
            Assert.Equal("service-unavailable", Condition(errors[0]));
        }

        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        Assert.Equal(["1", "2", "3"], (await MessagesUntilPongAsync(romeo)).Select(Body));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.2.2.1")]
    public async Task The_byte_quota_bounces_a_message_that_would_not_fit_and_stores_a_smaller_one()
    {
        // Two messages of about 2.1 KB fit in 5000 bytes, a third does not; a short one still does.
        await using var server = await ServerAsync(("Limits:MaxOfflineBytes", "5000"));
        var large = new string('x', 2000);
        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        {
            for (var i = 1; i <= 3; i++)
            {
                await juliet.SendAsync($"<message to='romeo@localhost' id='b{i}'><body>{i}{large}</body></message>");
            }

            await juliet.SendAsync("<message to='romeo@localhost' id='small'><body>small</body></message>");
            var errors = await MessagesUntilPongAsync(juliet);
            Assert.Equal("b3", Assert.Single(errors).GetAttribute("id"));
            Assert.Equal("service-unavailable", Condition(errors[0]));
        }

        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        Assert.Equal(["1" + large, "2" + large, "small"], (await MessagesUntilPongAsync(romeo)).Select(Body));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.3.2.1")]
    public async Task Message_to_the_full_jid_of_an_offline_resource_is_stored_for_the_account()
    {
        await using var server = await ServerAsync();
        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        {
            await juliet.SendAsync("<message to='romeo@localhost/gone' type='chat'><body>later</body></message>");
            Assert.Empty(await MessagesUntilPongAsync(juliet));
        }

        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        var message = Assert.Single(await MessagesUntilPongAsync(romeo));
        Assert.Equal("later", Body(message));
        AssertDelayed(message);
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.2.1.1")]
    public async Task Negative_priority_resources_neither_receive_nor_unqueue_bare_jid_messages()
    {
        await using var server = await ServerAsync();
        await using var negative = await OnlineAsync(server, "romeo", "shy", -1);
        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        {
            await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>stored</body></message>");
            Assert.Empty(await MessagesUntilPongAsync(juliet));
        }

        Assert.Empty(await MessagesUntilPongAsync(negative));
        await using var romeo = await OnlineAsync(server, "romeo", "garden", 0);
        Assert.Equal(["stored"], (await MessagesUntilPongAsync(romeo)).Select(Body));
        Assert.Empty(await MessagesUntilPongAsync(negative));
    }

    [Fact]
    public async Task Deleting_an_account_deletes_its_stored_messages()
    {
        await using var server = await ServerAsync();
        await using (var juliet = await OnlineAsync(server, "juliet", "balcony"))
        {
            await juliet.SendAsync("<message to='romeo@localhost'><body>lost</body></message>");
            Assert.Empty(await MessagesUntilPongAsync(juliet));
        }

        var romeo = Jid.Create("romeo", TestServer.Domain);
        var store = server.Services.GetRequiredService<IOfflineStore>();
        Assert.Equal(1, await store.CountAsync(romeo));
        Assert.Equal(AccountResult.Succeeded, await server.Services.GetRequiredService<AccountService>().RemoveAsync(romeo));
        Assert.Equal(0, await store.CountAsync(romeo));
        await server.CreateAccountAsync("romeo", "secret");
        await using var back = await OnlineAsync(server, "romeo", "garden");
        Assert.Empty(await MessagesUntilPongAsync(back));
    }
}
