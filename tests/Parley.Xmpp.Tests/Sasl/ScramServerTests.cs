using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Xmpp.Tests.Sasl;

public sealed class ScramServerTests
{
    private readonly SaslTestAccounts _accounts = new SaslTestAccounts().Add("juliet", "r0m30myr0m30");

    [Theory]
    [InlineData(SaslMechanismNames.ScramSha256)]
    [InlineData(SaslMechanismNames.ScramSha1)]
    public async Task Rfc5802_round_trip_without_channel_binding(string mechanism)
    {
        var client = SaslClientMechanisms.Select([mechanism], SaslTestAccounts.Client(tls: false))!;
        var server = SaslServerMechanisms.Create(mechanism, _accounts.Server(tls: false))!;

        var (step, verified) = await SaslTestAccounts.RunAsync(client, server);

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("juliet", step.Username);
        Assert.True(verified);
    }

    [Theory]
    [InlineData(SaslMechanismNames.ScramSha256Plus, ChannelBinding.TlsServerEndPoint)]
    [InlineData(SaslMechanismNames.ScramSha1Plus, ChannelBinding.TlsServerEndPoint)]
    [InlineData(SaslMechanismNames.ScramSha256Plus, ChannelBinding.TlsUnique)]
    public async Task Rfc5802_6_round_trip_with_channel_binding(string mechanism, string type)
    {
        var client = SaslClientMechanisms.Select([mechanism], SaslTestAccounts.Client(binding: SaslTestAccounts.Binding, serverTypes: [type]))!;
        var server = SaslServerMechanisms.Create(mechanism, _accounts.Server())!;

        var first = await server.StepAsync(client.GetInitialResponse(), CancellationToken.None);
        Assert.True(client.TryRespond(first.Data.Span, out var final));
        // RFC 5802 §7: c= carries the gs2 header followed by the binding data.
        var binding = type == ChannelBinding.TlsUnique ? SaslTestAccounts.UniqueBinding : SaslTestAccounts.EndPointBinding;
        Assert.StartsWith("c=" + Convert.ToBase64String([.. Encoding.UTF8.GetBytes($"p={type},,"), .. binding]) + ",", Encoding.UTF8.GetString(final), StringComparison.Ordinal);
        var step = await server.StepAsync(final, CancellationToken.None);
        var verified = client.VerifySuccess(step.Data.Span);

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.True(verified);
    }

    [Fact]
    public async Task Username_is_prepared_before_lookup()
    {
        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(username: "JULIET", tls: false))!;
        var (step, verified) = await SaslTestAccounts.RunAsync(client, SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, _accounts.Server(tls: false))!);

        Assert.Equal("juliet", step.Username);
        Assert.True(verified);
    }

    [Fact]
    public async Task Wrong_password_is_not_authorized()
    {
        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(password: "wrong", tls: false))!;
        var (step, verified) = await SaslTestAccounts.RunAsync(client, SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, _accounts.Server(tls: false))!);

        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Equal(SaslFailureCondition.NotAuthorized, step.Condition);
        Assert.False(verified);
    }

    [Fact]
    public async Task Rfc5802_9_unknown_user_looks_like_a_known_one_until_the_proof()
    {
        var context = _accounts.Server(tls: false);
        var known = await FirstChallengeAsync(context, "juliet");
        var unknown = await FirstChallengeAsync(context, "romeo");
        var unknownAgain = await FirstChallengeAsync(context, "romeo");

        // Same shape: r=<nonce>,s=<16-byte salt>,i=<default iterations>; the fake salt is stable.
        Assert.Equal(Shape(known), Shape(unknown));
        Assert.Equal(Field(unknown, 's'), Field(unknownAgain, 's'));
        Assert.NotEqual(Field(unknown, 's'), Field(await FirstChallengeAsync(context, "tybalt"), 's'));

        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(username: "romeo", tls: false))!;
        var (step, _) = await SaslTestAccounts.RunAsync(client, SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, context)!);
        Assert.Equal(SaslFailureCondition.NotAuthorized, step.Condition);
    }

    [Fact]
    public async Task Bad_nonce_in_client_final_is_not_authorized()
    {
        var step = await FinalWithAsync(final => final.Replace(",r=", ",r=x", StringComparison.Ordinal));

        Assert.Equal(SaslFailureCondition.NotAuthorized, step.Condition);
    }

    [Fact]
    public async Task Tampered_proof_is_not_authorized()
    {
        var step = await FinalWithAsync(final =>
        {
            var at = final.IndexOf(",p=", StringComparison.Ordinal) + 3;
            var proof = Convert.FromBase64String(final[at..]);
            proof[0] ^= 1;
            return final[..at] + Convert.ToBase64String(proof);
        });

        Assert.Equal(SaslFailureCondition.NotAuthorized, step.Condition);
    }

    [Fact]
    public async Task Rfc5802_6_channel_binding_mismatch_is_not_authorized()
    {
        // The client binds to other data than the server's channel (a man in the middle).
        var client = SaslClientMechanisms.Select(
            [SaslMechanismNames.ScramSha256Plus], SaslTestAccounts.Client(binding: _ => [7, 7, 7]))!;
        var (step, verified) = await SaslTestAccounts.RunAsync(client, SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256Plus, _accounts.Server())!);

        Assert.Equal(SaslFailureCondition.NotAuthorized, step.Condition);
        Assert.False(verified);
    }

    [Fact]
    public async Task Rfc5802_6_y_flag_when_plus_was_offered_is_a_downgrade()
    {
        // The client can bind but (say, after an attacker stripped -PLUS) saw only SCRAM-SHA-256.
        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(binding: SaslTestAccounts.Binding))!;
        Assert.StartsWith("y,,", Encoding.UTF8.GetString(client.GetInitialResponse()), StringComparison.Ordinal);

        var server = SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, _accounts.Server())!;
        var (step, _) = await SaslTestAccounts.RunAsync(
            SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(binding: SaslTestAccounts.Binding))!, server);
        Assert.Equal(SaslFailureCondition.NotAuthorized, step.Condition);

        // A server without binding accepts the same 'y'.
        var plainServer = SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, _accounts.Server(binding: false))!;
        var (accepted, verified) = await SaslTestAccounts.RunAsync(
            SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(binding: SaslTestAccounts.Binding))!, plainServer);
        Assert.Equal(SaslStepKind.Success, accepted.Kind);
        Assert.True(verified);
    }

    [Theory]
    [InlineData(SaslMechanismNames.ScramSha256, "p=tls-server-end-point,,n=juliet,r=abc", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256Plus, "n,,n=juliet,r=abc", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256Plus, "y,,n=juliet,r=abc", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256Plus, "p=tls-exporter,,n=juliet,r=abc", SaslFailureCondition.NotAuthorized)]
    [InlineData(SaslMechanismNames.ScramSha256, "x,,n=juliet,r=abc", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,n=juliet,r=abc", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,,m=ext,n=juliet,r=abc", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,,n=juliet", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,,n=,r=abc", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,,n=jul=2Xiet,r=abc", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,,r=abc,n=juliet", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,,n=juliet,r=a\u00E9", SaslFailureCondition.MalformedRequest)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,,n=jul iet,r=abc", SaslFailureCondition.NotAuthorized)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,,n=\u00E9\uFFFE,r=abc", SaslFailureCondition.NotAuthorized)] // fuzz/regressions/sasl/scram-username-fffe.txt
    [InlineData(SaslMechanismNames.ScramSha256, "n,a=\u00E9\uFFFE,n=juliet,r=abc", SaslFailureCondition.InvalidAuthzid)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,a=romeo,n=juliet,r=abc", SaslFailureCondition.InvalidAuthzid)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,a=romeo@example.com,n=juliet,r=abc", SaslFailureCondition.InvalidAuthzid)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,a=juliet@other.example,n=juliet,r=abc", SaslFailureCondition.InvalidAuthzid)]
    [InlineData(SaslMechanismNames.ScramSha256, "n,a=juliet@example.com/balcony,n=juliet,r=abc", SaslFailureCondition.InvalidAuthzid)]
    public async Task Client_first_is_refused(string mechanism, string clientFirst, SaslFailureCondition condition)
    {
        var server = SaslServerMechanisms.Create(mechanism, _accounts.Server(domain: "example.com"))!;

        var step = await server.StepAsync(Encoding.UTF8.GetBytes(clientFirst), CancellationToken.None);

        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Equal(condition, step.Condition);
    }

    [Theory]
    [InlineData("juliet")]
    [InlineData("Juliet@Example.com")]
    public async Task Rfc6120_6_3_8_own_authzid_is_accepted(string authzid)
    {
        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(authzid: authzid))!;
        var (step, verified) = await SaslTestAccounts.RunAsync(
            client, SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, _accounts.Server(binding: false, domain: "example.com"))!);

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.True(verified);
    }

    [Theory]
    [InlineData("c=biws,r=NONCE")]
    [InlineData("c=biws,r=NONCE,p=")]
    [InlineData("c=biws,r=NONCE,p=not*base64")]
    [InlineData("c=b,r=NONCE,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("r=NONCE,c=biws,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public async Task Malformed_client_final_is_refused(string template)
    {
        var step = await FinalWithAsync(final =>
        {
            var start = final.IndexOf(",r=", StringComparison.Ordinal) + 3;
            var nonce = final[start..final.IndexOf(",p=", StringComparison.Ordinal)];
            return template.Replace("NONCE", nonce, StringComparison.Ordinal);
        });

        Assert.Equal(SaslFailureCondition.MalformedRequest, step.Condition);
    }

    [Fact]
    public async Task Rfc6120_6_4_2_missing_initial_response_gets_an_empty_challenge()
    {
        var server = SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, _accounts.Server(tls: false))!;
        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(tls: false))!;

        var empty = await server.StepAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        Assert.Equal(SaslStepKind.Challenge, empty.Kind);
        Assert.True(empty.Data.IsEmpty);

        var first = await server.StepAsync(client.GetInitialResponse(), CancellationToken.None);
        Assert.True(client.TryRespond(first.Data.Span, out var final));
        var last = await server.StepAsync(final, CancellationToken.None);
        Assert.Equal(SaslStepKind.Success, last.Kind);
    }

    [Fact]
    public async Task Oversize_and_late_messages_are_malformed()
    {
        var server = SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, _accounts.Server())!;
        var huge = Encoding.UTF8.GetBytes("n,,n=juliet,r=" + new string('a', SaslServerMechanism.MaxMessageBytes));

        Assert.Equal(SaslFailureCondition.MalformedRequest, (await server.StepAsync(huge, CancellationToken.None)).Condition);
        // Once failed, the exchange stays failed.
        Assert.Equal(SaslFailureCondition.MalformedRequest, (await server.StepAsync("n,,n=juliet,r=abc"u8.ToArray(), CancellationToken.None)).Condition);
    }

    private async Task<string> FirstChallengeAsync(SaslServerContext context, string username)
    {
        var server = SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, context)!;
        var step = await server.StepAsync(Encoding.UTF8.GetBytes($"n,,n={username},r=clientnonce"), CancellationToken.None);
        Assert.Equal(SaslStepKind.Challenge, step.Kind);
        return Encoding.UTF8.GetString(step.Data.Span);
    }

    private static string Field(string message, char name) =>
        message.Split(',').Single(part => part[0] == name)[2..];

    private static string Shape(string serverFirst) =>
        $"r:{Field(serverFirst, 'r').Length},s:{Convert.FromBase64String(Field(serverFirst, 's')).Length},i:{Field(serverFirst, 'i')}";

    /// <summary>Runs a SCRAM-SHA-256 exchange with a correct client whose final message is rewritten first.</summary>
    private async Task<SaslServerStep> FinalWithAsync(Func<string, string> rewrite)
    {
        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(tls: false))!;
        var server = SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, _accounts.Server(tls: false))!;
        var first = await server.StepAsync(client.GetInitialResponse(), CancellationToken.None);
        Assert.True(client.TryRespond(first.Data.Span, out var final));

        var step = await server.StepAsync(Encoding.UTF8.GetBytes(rewrite(Encoding.UTF8.GetString(final))), CancellationToken.None);
        Assert.Equal(SaslStepKind.Failure, step.Kind);
        return step;
    }
}
