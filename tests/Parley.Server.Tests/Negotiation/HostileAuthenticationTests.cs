using System.Text;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Negotiation;

/// <summary>
/// Issue #5 "Hostile input", SASL: steps out of order, malformed and oversized payloads, an authzid
/// naming someone else, and SCRAM nonces that are not this exchange's. Each gets the RFC 6120 §6.5
/// failure condition as exact XML, and the stream stays usable for an honest attempt afterwards.
/// </summary>
public sealed class HostileAuthenticationTests
{
    private const string Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.4.4 §6.5.1 §6.5.2 §6.5.7")]
    public async Task Steps_out_of_order_and_malformed_steps_fail_and_the_stream_still_authenticates()
    {
        await using var server = await ServerAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();

        // A response with no exchange under way (RFC 6120 §6.4.3 needs an <auth/> first).
        await ExpectFailureAsync(client, $"<response xmlns='{Sasl}'>biwsbj1qdWxpZXQscj1hYmNkZWZnaA==</response>", "malformed-request");
        // An abort with nothing to abort is still answered with <aborted/> (§6.4.4) and is not counted as a failure.
        await ExpectFailureAsync(client, $"<abort xmlns='{Sasl}'/>", "aborted");

        // A SCRAM exchange, then a response that is not base64 (§6.5.2), then a response to the exchange that failed.
        await client.SendAsync($"<auth xmlns='{Sasl}' mechanism='SCRAM-SHA-256'>{SaslEncoding.Encode("n,,n=juliet,r=abcdefghijkl"u8)}</auth>");
        await client.ExpectAsync("challenge", Namespaces.Sasl);
        await ExpectFailureAsync(client, $"<response xmlns='{Sasl}'>c=biws*not base64*</response>", "incorrect-encoding");
        await ExpectFailureAsync(client, $"<response xmlns='{Sasl}'>Yz1iaXdz</response>", "malformed-request");

        // A PLAIN message with a field too many (RFC 4616 §2).
        await ExpectFailureAsync(client, $"<auth xmlns='{Sasl}' mechanism='PLAIN'>{SaslEncoding.Encode("\0juliet\0secret\0more"u8)}</auth>", "malformed-request");

        // Four failures so far, one below the limit: the stream still authenticates.
        Assert.True((await client.AuthenticatePlainAsync("juliet", "secret")).Is("success", Namespaces.Sasl));
        await client.OpenAsync();
        Assert.Equal("juliet@localhost/r", await client.BindAsync("r"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.4.4")]
    public async Task Auth_or_abort_during_an_exchange_ends_it_and_a_fresh_exchange_succeeds()
    {
        await using var server = await ServerAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();

        await client.SendAsync($"<auth xmlns='{Sasl}' mechanism='SCRAM-SHA-1'>{SaslEncoding.Encode("n,,n=juliet,r=abcdefghijkl"u8)}</auth>");
        await client.ExpectAsync("challenge", Namespaces.Sasl);
        await ExpectFailureAsync(client, $"<abort xmlns='{Sasl}'/>", "aborted");
        await ExpectFailureAsync(client, $"<response xmlns='{Sasl}'>Yz1iaXdz</response>", "malformed-request");

        // A second <auth/> in the middle of a SCRAM exchange abandons it and starts over.
        await client.SendAsync($"<auth xmlns='{Sasl}' mechanism='SCRAM-SHA-256'>{SaslEncoding.Encode("n,,n=juliet,r=abcdefghijkl"u8)}</auth>");
        await client.ExpectAsync("challenge", Namespaces.Sasl);
        Assert.True((await client.AuthenticateScramAsync(SaslMechanismNames.ScramSha256, "juliet", "secret")).Is("success", Namespaces.Sasl));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.5.7 §4.9.3.16")]
    public async Task Oversized_payloads_get_malformed_request_or_policy_violation()
    {
        await using var server = await ServerAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();

        // Above the mechanisms' 4 KiB bound on one SASL message, below the stanza limit: a failure, not a crash.
        var big = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0juliet\0" + new string('p', SaslServerMechanism.MaxMessageBytes)));
        await ExpectFailureAsync(client, $"<auth xmlns='{Sasl}' mechanism='PLAIN'>{big}</auth>", "malformed-request");
        await client.SendAsync($"<auth xmlns='{Sasl}' mechanism='SCRAM-SHA-256'>{SaslEncoding.Encode(Encoding.UTF8.GetBytes("n,,n=juliet,r=" + new string('a', SaslServerMechanism.MaxMessageBytes)))}</auth>");
        var failure = await client.ExpectAsync("failure", Namespaces.Sasl);
        Assert.NotNull(failure.Child("malformed-request", Namespaces.Sasl));

        // Above the stanza limit (Limits:MaxStanzaBytes, 256 KiB by default): the stream ends.
        await client.SendAsync($"<auth xmlns='{Sasl}' mechanism='PLAIN'>{new string('A', 300 * 1024)}</auth>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §6.5.6")]
    [InlineData("PLAIN")]
    [InlineData("SCRAM-SHA-256")]
    public async Task Authzid_for_another_user_gets_invalid_authzid_and_one_s_own_in_another_case_succeeds(string mechanism)
    {
        await using var server = await ServerAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();

        var initial = mechanism == "PLAIN" ? "romeo@localhost\0juliet\0secret" : "n,a=romeo@localhost,n=juliet,r=abcdefghijkl";
        await ExpectFailureAsync(client, $"<auth xmlns='{Sasl}' mechanism='{mechanism}'>{SaslEncoding.Encode(Encoding.UTF8.GetBytes(initial))}</auth>", "invalid-authzid");

        // RFC 7622 §3: JULIET@LOCALHOST prepares to juliet@localhost, which is the authenticated identity itself.
        await client.SendAsync($"<auth xmlns='{Sasl}' mechanism='PLAIN'>{SaslEncoding.Encode("JULIET@LOCALHOST\0juliet\0secret"u8)}</auth>");
        await client.ExpectAsync("success", Namespaces.Sasl);
    }

    [Fact]
    [Trait("Conformance", "RFC 5802 §5.1 RFC 6120 §6.5.10")]
    public async Task A_client_final_with_another_nonce_or_replayed_on_a_new_exchange_gets_not_authorized()
    {
        await using var server = await ServerAsync();

        // An honest exchange, recorded.
        byte[] clientFirst, clientFinal;
        await using (var first = await RawStream.ConnectAsync(server.C2s))
        {
            await first.SecureAsync();
            var mechanism = Scram();
            clientFirst = mechanism.GetInitialResponse();
            var challenge = await AuthAsync(first, clientFirst);
            Assert.True(mechanism.TryRespond(challenge, out clientFinal!));
            await first.SendAsync($"<response xmlns='{Sasl}'>{SaslEncoding.Encode(clientFinal)}</response>");
            await first.ExpectAsync("success", Namespaces.Sasl);
        }

        await using var second = await RawStream.ConnectAsync(server.C2s);
        await second.SecureAsync();

        // Replay: the same client-first gets a fresh server nonce, so the recorded client-final no longer matches (RFC 5802 §9).
        var replayChallenge = await AuthAsync(second, clientFirst);
        Assert.DoesNotContain(Nonce(replayChallenge), Encoding.UTF8.GetString(clientFinal), StringComparison.Ordinal);
        await ExpectFailureAsync(second, $"<response xmlns='{Sasl}'>{SaslEncoding.Encode(clientFinal)}</response>", "not-authorized");

        // A client-final whose nonce is this exchange's with one character added.
        var mechanism2 = Scram();
        var challenge2 = await AuthAsync(second, mechanism2.GetInitialResponse());
        Assert.True(mechanism2.TryRespond(challenge2, out var honest));
        var nonce = Nonce(challenge2);
        var tampered = Encoding.UTF8.GetString(honest).Replace("r=" + nonce, "r=" + nonce + "x", StringComparison.Ordinal);
        await ExpectFailureAsync(second, $"<response xmlns='{Sasl}'>{SaslEncoding.Encode(Encoding.UTF8.GetBytes(tampered))}</response>", "not-authorized");

        // Still usable: an honest exchange on the same stream succeeds.
        Assert.True((await second.AuthenticateScramAsync(SaslMechanismNames.ScramSha256, "juliet", "secret")).Is("success", Namespaces.Sasl));
    }

    private static async Task<TestServer> ServerAsync()
    {
        var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return server;
    }

    private static SaslClientMechanism Scram() =>
        SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], new SaslClientContext { Username = "juliet", Password = "secret", IsTlsActive = true })!;

    private static async Task<byte[]> AuthAsync(RawStream client, byte[] clientFirst)
    {
        await client.SendAsync($"<auth xmlns='{Sasl}' mechanism='SCRAM-SHA-256'>{SaslEncoding.Encode(clientFirst)}</auth>");
        var challenge = await client.ExpectAsync("challenge", Namespaces.Sasl);
        Assert.True(SaslEncoding.TryDecode(challenge.Text, out var decoded));
        return decoded;
    }

    /// <summary>The r= attribute of a SCRAM server-first message.</summary>
    private static string Nonce(byte[] serverFirst) =>
        Encoding.UTF8.GetString(serverFirst).Split(',').Single(a => a.StartsWith("r=", StringComparison.Ordinal))[2..];

    private static async Task<Element> ExpectFailureAsync(RawStream client, string request, string condition)
    {
        await client.SendAsync(request);
        var failure = await client.ExpectAsync("failure", Namespaces.Sasl);
        Assert.True(failure.Child(condition, Namespaces.Sasl) is not null, $"Expected <{condition}/>, got {failure}");
        return failure;
    }
}
