using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Negotiation;

/// <summary>RFC 6120 §5 (STARTTLS, XEP-0368 direct TLS) and §6 (SASL) over a real socket.</summary>
public sealed class AuthenticationTests
{
    [Fact]
    [Trait("Conformance", "RFC 6120 §5.4.3.3 §6.4.1 XEP-0440")]
    public async Task After_starttls_the_features_offer_scram_plain_and_channel_binding()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        var features = await client.SecureAsync();
        var mechanisms = features.Child("mechanisms", Namespaces.Sasl)!.Children().Select(m => m.Text).ToList();
        Assert.Equal(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"], mechanisms);
        var bindings = features.Child("sasl-channel-binding", Namespaces.SaslChannelBinding)!.Children().Select(c => c.GetAttribute("type"));
        Assert.Contains(ChannelBinding.TlsServerEndPoint, bindings);
        Assert.Null(features.Child("starttls", Namespaces.Tls));
        Assert.Null(features.Child("register", Namespaces.RegisterFeature));
    }

    [Fact]
    [Trait("Conformance", "XEP-0368")]
    public async Task Direct_tls_listener_negotiates_alpn_and_offers_sasl_at_once()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2sTls, directTls: true);
        Assert.Equal("xmpp-client", client.Tls!.NegotiatedApplicationProtocol.ToString());
        var features = await client.OpenAsync();
        Assert.NotNull(features.Child("mechanisms", Namespaces.Sasl));
        Assert.Null(features.Child("starttls", Namespaces.Tls));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §5.4.3.3")]
    public async Task Data_sent_after_starttls_before_the_handshake_is_not_processed()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.OpenAsync();
        // The STARTTLS command injection: a stanza pipelined behind <starttls/> in the clear.
        await client.SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><iq type='get' id='injected'><ping xmlns='urn:xmpp:ping'/></iq>");
        var reply = await client.ExpectAsync();
        Assert.True(reply.Is("failure", Namespaces.Tls), reply.ToString());
        await client.ExpectClosedAsync();
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.4.6")]
    public async Task Plain_succeeds_and_the_stream_restarts_with_bind_and_session()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        var success = await client.AuthenticatePlainAsync("juliet", "secret");
        Assert.True(success.Is("success", Namespaces.Sasl));
        var features = await client.OpenAsync();
        Assert.NotNull(features.Child("bind", Namespaces.Bind));
        Assert.NotNull(features.Child("session", Namespaces.Session)!.Child("optional", Namespaces.Session));
        Assert.Null(features.Child("mechanisms", Namespaces.Sasl));
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §6.4.6 RFC 7677")]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-1")]
    [InlineData("SCRAM-SHA-256-PLUS")]
    public async Task Scram_succeeds_and_the_server_signature_verifies(string mechanism)
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        var result = await client.AuthenticateScramAsync(mechanism, "juliet", "secret");
        Assert.True(result.Is("success", Namespaces.Sasl), result.ToString());
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §6.5.10")]
    [InlineData("juliet", "wrong")]
    [InlineData("nobody", "secret")]
    public async Task Wrong_password_and_unknown_user_fail_alike_with_not_authorized(string user, string password)
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        var scram = await client.AuthenticateScramAsync("SCRAM-SHA-256", user, password);
        Assert.True(scram.Is("failure", Namespaces.Sasl));
        Assert.NotNull(scram.Child("not-authorized", Namespaces.Sasl));
        var plain = await client.AuthenticatePlainAsync(user, password);
        Assert.NotNull(plain.Child("not-authorized", Namespaces.Sasl));
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §6.5")]
    [InlineData("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-UNKNOWN'/>", "invalid-mechanism")]
    [InlineData("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>not base64!</auth>", "incorrect-encoding")]
    [InlineData("<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", "aborted")]
    [InlineData("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", "malformed-request")]
    public async Task Sasl_errors_get_their_failure_condition(string request, string condition)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        await client.SendAsync(request);
        var failure = await client.ExpectAsync("failure", Namespaces.Sasl);
        Assert.NotNull(failure.Child(condition, Namespaces.Sasl));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.5.4")]
    public async Task Authentication_before_tls_gets_encryption_required()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.OpenAsync();
        var failure = await client.AuthenticatePlainAsync("juliet", "secret");
        Assert.NotNull(failure.Child("encryption-required", Namespaces.Sasl));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.4.5")]
    public async Task Too_many_failures_end_the_stream_with_policy_violation()
    {
        // The cross-stream delay is tested in Limits/AuthThrottleTests; here only the per-stream count.
        await using var server = await TestServer.StartAsync(("Limits:AuthFailuresBeforeDelay", "100"));
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        for (var i = 0; i < 5; i++)
        {
            var failure = await client.AuthenticatePlainAsync("juliet", "wrong");
            Assert.True(failure.Is("failure", Namespaces.Sasl));
        }

        // RFC 6120 §6.4.5: past the retries the receiving entity MUST return a stream error, SHOULD be policy-violation.
        await client.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §5.3.1")]
    public async Task Plaintext_auth_when_allowed_offers_optional_starttls_and_plain()
    {
        await using var server = await TestServer.StartAsync(("AllowPlaintextAuth", "true"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        var features = await client.OpenAsync();
        Assert.Null(features.Child("starttls", Namespaces.Tls)!.Child("required", Namespaces.Tls));
        Assert.Contains("PLAIN", features.Child("mechanisms", Namespaces.Sasl)!.Children().Select(m => m.Text));
        var success = await client.AuthenticatePlainAsync("juliet", "secret");
        Assert.True(success.Is("success", Namespaces.Sasl));
        Assert.Contains(server.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("AllowPlaintextAuth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Passwords_never_reach_the_log()
    {
        await using var server = await TestServer.StartAsync(("Logging:LogLevel:Default", "Trace"), ("AllowRegistration", "true"));
        await server.CreateAccountAsync("juliet", "s3cr3t-passw0rd");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "s3cr3t-passw0rd");
        await client.SendAsync("<iq type='set' id='pw'><query xmlns='jabber:iq:register'><username>juliet</username><password>s3cr3t-n3w</password></query></iq>");
        Assert.Equal("result", (await client.ExpectStanzaAsync("iq")).GetAttribute("type"));
        Assert.Contains(server.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Trace && e.Message.Contains("id='pw'", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Message.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Conformance", "RFC 5802 §6")]
    public async Task Scram_downgrade_flag_is_refused_when_channel_binding_was_offered()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        // gs2 flag 'y': "I could bind but you offered no -PLUS" — a lie here, so the exchange fails.
        var first = "y,,n=juliet,r=abcdefghijklmnop";
        await client.SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(first))}</auth>");
        var reply = await client.ExpectAsync();
        Assert.True(reply.Is("failure", Namespaces.Sasl), reply.ToString());
    }
}
