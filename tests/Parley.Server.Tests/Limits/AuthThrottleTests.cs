using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Hosting;
using Parley.Server.Negotiation;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;

namespace Parley.Server.Tests.Limits;

/// <summary>Limits:AuthFailuresBeforeDelay, Limits:AuthMaxDelaySeconds and the bounded throttle tables.</summary>
public sealed class AuthThrottleTests
{
    private static readonly IPAddress First = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Third = IPAddress.Parse("127.0.0.3");

    private readonly FakeTimeProvider _clock = ClockDriver.Create();

    [Fact]
    public void The_delay_starts_at_the_threshold_doubles_and_stops_at_the_maximum()
    {
        var throttle = Throttle(new LimitOptions { AuthFailuresBeforeDelay = 3, AuthMaxDelaySeconds = 30, NegotiationTimeoutSeconds = 90 });

        Assert.Equal([0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30], Enumerable.Range(0, 11).Select(n => (int)throttle.DelayAfter(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(30), throttle.DelayAfter(int.MaxValue));
    }

    [Fact]
    public void The_longest_hold_is_half_the_negotiation_timeout_so_a_held_login_can_still_finish()
    {
        // A hold as long as the timeout ended every held login in <connection-timeout/>, the right password included.
        var throttle = Throttle(new LimitOptions { AuthFailuresBeforeDelay = 1, AuthMaxDelaySeconds = 30, NegotiationTimeoutSeconds = 30 });
        Assert.Equal(TimeSpan.FromSeconds(15), throttle.DelayAfter(int.MaxValue));
        Assert.Equal(TimeSpan.FromSeconds(15), Throttle(new LimitOptions { AuthFailuresBeforeDelay = 1 }).DelayAfter(100));
    }

    [Fact]
    public void Failures_count_per_address_and_per_account_and_a_success_clears_the_account_and_its_address()
    {
        var throttle = Throttle(new LimitOptions { AuthFailuresBeforeDelay = 2 });
        throttle.Failed(First, "juliet@localhost");
        throttle.Failed(Second, "juliet@localhost");

        // Two failures for juliet from two addresses: juliet is throttled anywhere, a fresh address for another account is not.
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Delay(Third, "juliet@localhost"));
        Assert.Equal(TimeSpan.Zero, throttle.Delay(Third, "romeo@localhost"));

        throttle.Failed(First, "romeo@localhost");
        throttle.Failed(First, "nurse@localhost");
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.Delay(First, "tybalt@localhost"));

        // Logging in as juliet from the first address clears juliet and that address, not romeo's count.
        throttle.Succeeded(First, "juliet@localhost");
        Assert.Equal(TimeSpan.Zero, throttle.Delay(Third, "juliet@localhost"));
        Assert.Equal(TimeSpan.Zero, throttle.Delay(First, "tybalt@localhost"));
        throttle.Failed(Third, "romeo@localhost");
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Delay(First, "romeo@localhost"));
    }

    [Fact]
    public void Failures_are_forgotten_after_the_window_and_the_tables_stay_bounded()
    {
        var throttle = Throttle(new LimitOptions { AuthFailuresBeforeDelay = 1, AuthFailureWindowSeconds = 60, AuthThrottleEntries = 4 });
        throttle.Failed(First, "juliet@localhost");
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Delay(First, null));
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(TimeSpan.Zero, throttle.Delay(First, null));

        for (var i = 0; i < 1000; i++)
        {
            throttle.Failed(new IPAddress([10, 0, (byte)(i >> 8), (byte)i]), $"user{i}@localhost");
        }

        Assert.True(throttle.Entries <= 8, $"{throttle.Entries} entries for a bound of 4 per table");

        // The most recent keys are the ones kept.
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Delay(null, "user999@localhost"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.4.5 §6.5.10")]
    public async Task Failed_logins_past_the_threshold_are_answered_late_alike_for_unknown_accounts_and_other_addresses_are_not_slowed()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<TimeProvider>(_clock),
            ("AllowPlaintextAuth", "true"), ("Limits:AuthFailuresBeforeDelay", "2"), ("Limits:MaxAuthAttemptsPerStream", "6"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var guesser = await OpenAsync(server, First);

        // Below the threshold: answered with the clock standing still.
        await FailAtOnceAsync(guesser, "juliet", "wrong1");
        await FailAtOnceAsync(guesser, "nobody", "wrong2");

        // From here on the answer waits 1 s, then 2 s: for an unknown account exactly as for a real one.
        Assert.True(await FailLateAsync(guesser, "nobody", "wrong3") >= TimeSpan.FromSeconds(1));
        Assert.True(await FailLateAsync(guesser, "juliet", "wrong4") >= TimeSpan.FromSeconds(2));

        // Another address guessing at another account is not slowed...
        await using var bystander = await OpenAsync(server, Second);
        await FailAtOnceAsync(bystander, "romeo", "wrong");

        // ...but juliet (two failures) is slowed from any address, and even the right password waits, so
        // waiting tells nothing; once in, juliet's count is cleared.
        await using var owner = await OpenAsync(server, Third);
        var success = owner.AuthenticatePlainAsync("juliet", "secret");
        Assert.True(await _clock.AdvanceUntilAsync(success, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(60)) >= TimeSpan.FromSeconds(1));
        Assert.True((await success).Is("success", Namespaces.Sasl));
        await using var later = await OpenAsync(server, Third);
        await FailAtOnceAsync(later, "juliet", "typo");
    }

    [Fact]
    [Trait("Conformance", "RFC 5802 §6 §7")]
    public async Task Refusals_before_any_credential_is_checked_are_not_counted_as_password_guesses()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<TimeProvider>(_clock),
            ("Limits:AuthFailuresBeforeDelay", "1"), ("Limits:MaxAuthAttemptsPerStream", "6"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s, localAddress: First);
        var features = await client.SecureAsync();
        Assert.Contains(features.Child("mechanisms", Namespaces.Sasl)!.Children(), m => m.Text == "SCRAM-SHA-256-PLUS");

        // What slixmpp 1.8 sends on TLS 1.3: -PLUS with tls-unique (undefined there, RFC 9266), then
        // plain SCRAM with 'y' (a downgrade when -PLUS was offered, RFC 5802 §6), then a garbled message.
        // Each is refused, answered with the clock standing still, and none counts as a guess.
        await RefusedAtOnceAsync(client, "SCRAM-SHA-256-PLUS", "p=tls-unique,,n=juliet,r=abcdefgh", "not-authorized");
        await RefusedAtOnceAsync(client, "SCRAM-SHA-1-PLUS", "p=tls-unique,,n=juliet,r=abcdefgh", "not-authorized");
        await RefusedAtOnceAsync(client, "SCRAM-SHA-256", "y,,n=juliet,r=abcdefgh", "not-authorized");
        await RefusedAtOnceAsync(client, "SCRAM-SHA-256", "garbage", "malformed-request");

        // One real wrong password is still answered at once (the threshold is one counted failure)...
        await FailAtOnceAsync(client, "juliet", "wrong");

        // ...and from now on the address is held; the right password from it clears the address, so
        // the next person there is not held either.
        var success = client.AuthenticatePlainAsync("juliet", "secret");
        Assert.True(await _clock.AdvanceUntilAsync(success, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(60)) >= TimeSpan.FromSeconds(1));
        Assert.True((await success).Is("success", Namespaces.Sasl));
        await using var next = await RawStream.ConnectAsync(server.C2s, localAddress: First);
        await next.SecureAsync();
        await FailAtOnceAsync(next, "romeo", "typo");
    }

    private static async Task RefusedAtOnceAsync(RawStream client, string mechanism, string clientFirst, string condition)
    {
        await client.SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mechanism}'>{Convert.ToBase64String(Encoding.UTF8.GetBytes(clientFirst))}</auth>");
        var failure = await client.ExpectAsync("failure", Namespaces.Sasl);
        Assert.NotNull(failure.Child(condition, Namespaces.Sasl));
    }

    private AuthThrottle Throttle(LimitOptions limits) => new(Options.Create(new ParleyOptions { Limits = limits }), _clock);

    private static async Task<RawStream> OpenAsync(TestServer server, IPAddress from)
    {
        var client = await RawStream.ConnectAsync(server.C2s, localAddress: from);
        await client.OpenAsync();
        return client;
    }

    /// <summary>One wrong PLAIN attempt answered with the clock standing still: the server did not wait.</summary>
    private static async Task FailAtOnceAsync(RawStream client, string user, string password) =>
        Assert.NotNull((await client.AuthenticatePlainAsync(user, password)).Child("not-authorized", Namespaces.Sasl));

    /// <summary>One wrong PLAIN attempt; returns how far the fake clock had to move before the failure came.</summary>
    private async Task<TimeSpan> FailLateAsync(RawStream client, string user, string password)
    {
        var reply = client.AuthenticatePlainAsync(user, password);
        var waited = await _clock.AdvanceUntilAsync(reply, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(60));
        Assert.NotNull((await reply).Child("not-authorized", Namespaces.Sasl));
        return waited;
    }
}
