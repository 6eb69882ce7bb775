using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Accounts;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Limits;

/// <summary>
/// What XEP-0077 in-band registration may cost, on a fake clock: Limits:RegistrationsPerIpPerHour,
/// and (issue 11 item 5: one stream got 826 conflict answers in 5 s, each paying two PBKDF2
/// derivations) attempts counted per address and per stream whatever their outcome, password
/// changes per account, and a taken name answered before any key is derived.
/// </summary>
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

    [Fact]
    [Trait("Conformance", "XEP-0077 §3.1 RFC 6120 §8.3.3.12")]
    public async Task Attempts_from_an_address_are_counted_whatever_their_outcome()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<TimeProvider>(_clock),
            ("AllowRegistration", "true"), ("Limits:RegistrationAttemptsPerIpPerHour", "3"));
        await server.CreateAccountAsync("taken", "secret");

        // Three refused attempts, each on its own stream: conflict every time.
        for (var i = 0; i < 3; i++)
        {
            await using var stream = await SecureAsync(server, First);
            Assert.Equal(StanzaErrorCondition.Conflict, StanzaError.FromStanza(await RegisterAsync(stream, "taken"))?.Condition);
        }

        // The fourth is refused before anything is looked at, even for a free name; another address is not.
        await using var fourth = await SecureAsync(server, First);
        var refused = StanzaError.FromStanza(await RegisterAsync(fourth, "free"));
        Assert.Equal(StanzaErrorCondition.PolicyViolation, refused?.Condition);
        Assert.Equal(StanzaErrorType.Wait, refused?.Type);
        await using var second = await SecureAsync(server, Second);
        Assert.Null(StanzaError.FromStanza(await RegisterAsync(second, "other")));

        _clock.Advance(TimeSpan.FromHours(1));
        await using var later = await SecureAsync(server, First);
        Assert.Null(StanzaError.FromStanza(await RegisterAsync(later, "free")));
    }

    [Fact]
    [Trait("Conformance", "XEP-0077 §3.1 RFC 6120 §4.9.3.14")]
    public async Task A_stream_past_its_registration_attempts_ends_with_policy_violation()
    {
        await using var server = await TestServer.StartAsync(("AllowRegistration", "true"), ("Limits:RegistrationAttemptsPerStream", "4"));
        await server.CreateAccountAsync("taken", "secret");
        await using var stream = await SecureAsync(server, First);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(StanzaErrorCondition.Conflict, StanzaError.FromStanza(await RegisterAsync(stream, "taken"))?.Condition);
        }

        await stream.SendAsync("<iq type='set' id='reg-5'><query xmlns='jabber:iq:register'><username>taken</username><password>verona</password></query></iq>");
        await stream.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);

        // Others are still served.
        await using var other = await SecureAsync(server, First);
        Assert.Null(StanzaError.FromStanza(await RegisterAsync(other, "nurse")));
    }

    [Fact]
    [Trait("Conformance", "XEP-0077 §3.3")]
    public async Task Password_changes_are_bounded_per_account_across_streams()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<TimeProvider>(_clock),
            ("AllowRegistration", "true"), ("Limits:PasswordChangesPerAccountPerHour", "2"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var phone = await RawStream.ConnectAsync(server.C2s);
        await phone.LoginAsync("juliet", "secret", "phone");
        Assert.Null(StanzaError.FromStanza(await ChangePasswordAsync(phone, "one")));
        Assert.Null(StanzaError.FromStanza(await ChangePasswordAsync(phone, "two")));

        await using var desk = await RawStream.ConnectAsync(server.C2s);
        await desk.LoginAsync("juliet", "two", "desk");
        var refused = StanzaError.FromStanza(await ChangePasswordAsync(desk, "three"));
        Assert.Equal(StanzaErrorCondition.PolicyViolation, refused?.Condition);
        Assert.Equal(StanzaErrorType.Wait, refused?.Type);

        // Refused means unchanged: the password is still the second one.
        await using var check = await RawStream.ConnectAsync(server.C2s);
        await check.LoginAsync("juliet", "two", "check");

        // An hour later (on a new stream: the fake clock's hour idled the others out) it may change again.
        _clock.Advance(TimeSpan.FromHours(1));
        await using var later = await RawStream.ConnectAsync(server.C2s);
        await later.LoginAsync("juliet", "two", "later");
        Assert.Null(StanzaError.FromStanza(await ChangePasswordAsync(later, "three")));
    }

    [Fact]
    public async Task A_taken_name_is_answered_before_the_password_is_derived()
    {
        await using var server = await TestServer.StartAsync();
        var accounts = server.Services.GetRequiredService<AccountService>();
        await server.CreateAccountAsync("juliet", "secret");

        // An unusable password (PRECIS refuses a control character) fails in the derivation; a taken
        // name answered first never gets there.
        Assert.Equal(AccountResult.AlreadyExists, await accounts.CreateAsync(Jid.Parse("juliet@localhost"), "\u0007"));
        Assert.Equal(AccountResult.NotFound, await accounts.SetPasswordAsync(Jid.Parse("romeo@localhost"), "\u0007"));
        Assert.Equal(AccountResult.InvalidPassword, await accounts.CreateAsync(Jid.Parse("romeo@localhost"), "\u0007"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0077 §3.2")]
    public async Task Removing_an_account_already_removed_is_an_error_and_ends_no_stream()
    {
        await using var server = await TestServer.StartAsync(("AllowRegistration", "true"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        Assert.Equal(AccountResult.Succeeded, await server.Services.GetRequiredService<AccountService>().RemoveAsync(Jid.Parse("juliet@localhost")));

        await client.SendAsync("<iq type='set' id='x'><query xmlns='jabber:iq:register'><remove/></query></iq>");
        var answer = await client.ExpectStanzaAsync("iq");
        Assert.Equal(StanzaErrorCondition.ItemNotFound, StanzaError.FromStanza(answer)?.Condition);
        await client.SendAsync("<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("p", (await client.ExpectStanzaAsync("iq")).GetAttribute("id"));
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

    private static async Task<Element> ChangePasswordAsync(RawStream client, string password)
    {
        await client.SendAsync($"<iq type='set' id='pw-{password}'><query xmlns='jabber:iq:register'><username>juliet</username><password>{password}</password></query></iq>");
        var reply = await client.ExpectStanzaAsync("iq");
        Assert.Equal("pw-" + password, reply.GetAttribute("id"));
        return reply;
    }
}
