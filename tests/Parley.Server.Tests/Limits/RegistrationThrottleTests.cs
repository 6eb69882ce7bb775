using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Limits;

/// <summary>Limits:RegistrationsPerIpPerHour for XEP-0077 in-band registration, on a fake clock.</summary>
public sealed class RegistrationThrottleTests
{
    private static readonly IPAddress First = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");

    private readonly FakeTimeProvider _clock = ClockDriver.Create();

    [Fact]
    [Trait("Conformance", "XEP-0077 §3.1 RFC 6120 §8.3.3.12")]
    public async Task One_registration_past_the_hourly_limit_of_an_address_gets_policy_violation_until_the_hour_is_over()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<TimeProvider>(_clock),
            ("AllowRegistration", "true"), ("Limits:RegistrationsPerIpPerHour", "2"));
        await using var first = await SecureAsync(server, First);

        Assert.Null(StanzaError.FromStanza(await RegisterAsync(first, "one")));
        Assert.Null(StanzaError.FromStanza(await RegisterAsync(first, "two")));

        // The third from the same address, on another stream too: refused, type wait (try later), nothing created.
        await using var again = await SecureAsync(server, First);
        var refused = StanzaError.FromStanza(await RegisterAsync(again, "three"));
        Assert.Equal(StanzaErrorCondition.PolicyViolation, refused?.Condition);
        Assert.Equal(StanzaErrorType.Wait, refused?.Type);

        // Another address may still register.
        await using var second = await SecureAsync(server, Second);
        Assert.Null(StanzaError.FromStanza(await RegisterAsync(second, "four")));

        // An hour after the first two, the address may register again (on a new stream: the old ones
        // were closed by the negotiation timeout meanwhile); the refused name was never taken.
        _clock.Advance(TimeSpan.FromHours(1));
        await using var later = await SecureAsync(server, First);
        Assert.Null(StanzaError.FromStanza(await RegisterAsync(later, "three")));
    }

    private static async Task<RawStream> SecureAsync(TestServer server, IPAddress from)
    {
        var client = await RawStream.ConnectAsync(server.C2s, localAddress: from);
        await client.SecureAsync();
        return client;
    }

    private static async Task<Element> RegisterAsync(RawStream client, string user)
    {
        await client.SendAsync($"<iq type='set' id='reg-{user}'><query xmlns='jabber:iq:register'><username>{user}</username><password>verona</password></query></iq>");
        var reply = await client.ExpectStanzaAsync("iq");
        Assert.Equal("reg-" + user, reply.GetAttribute("id"));
        return reply;
    }
}
