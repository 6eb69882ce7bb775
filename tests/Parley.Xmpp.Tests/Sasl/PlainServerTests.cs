using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Xmpp.Tests.Sasl;

public sealed class PlainServerTests
{
    private readonly SaslTestAccounts _accounts = new SaslTestAccounts().Add("juliet", "r0m30myr0m30");

    [Fact]
    public async Task Rfc4616_round_trip()
    {
        var client = SaslClientMechanisms.Select([SaslMechanismNames.Plain], SaslTestAccounts.Client())!;
        Assert.Equal("\0juliet\0r0m30myr0m30", Encoding.UTF8.GetString(client.GetInitialResponse()));

        var (step, verified) = await SaslTestAccounts.RunAsync(client, SaslServerMechanisms.Create(SaslMechanismNames.Plain, _accounts.Server())!);

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("juliet", step.Username);
        Assert.True(verified);
    }

    [Theory]
    [InlineData("\0Juliet\0r0m30myr0m30", "juliet")] // authcid is PRECIS-prepared
    [InlineData("juliet\0juliet\0r0m30myr0m30", "juliet")] // own authzid as localpart
    [InlineData("juliet@example.com\0juliet\0r0m30myr0m30", "juliet")] // own authzid as bare JID
    public async Task Accepted(string message, string username)
    {
        var step = await StepAsync(message);

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal(username, step.Username);
        Assert.True(step.Data.IsEmpty);
    }

    [Theory]
    [InlineData("\0juliet\0wrong", SaslFailureCondition.NotAuthorized)]
    [InlineData("\0romeo\0r0m30myr0m30", SaslFailureCondition.NotAuthorized)] // unknown user: same answer
    [InlineData("\0juliet\0R0M30MYR0M30", SaslFailureCondition.NotAuthorized)] // passwords keep case
    [InlineData("\0jul iet\0r0m30myr0m30", SaslFailureCondition.NotAuthorized)]
    [InlineData("\0juliet\0pass\u0007", SaslFailureCondition.NotAuthorized)]
    [InlineData("\0\u00E9\uFFFE\0r0m30myr0m30", SaslFailureCondition.NotAuthorized)] // fuzz/regressions/sasl/plain-fffe.txt
    [InlineData("\0juliet\0\u00E9\uFFFE", SaslFailureCondition.NotAuthorized)]
    [InlineData("romeo\0juliet\0r0m30myr0m30", SaslFailureCondition.InvalidAuthzid)]
    [InlineData("juliet@example.com/balcony\0juliet\0r0m30myr0m30", SaslFailureCondition.InvalidAuthzid)]
    [InlineData("juliet\0r0m30myr0m30", SaslFailureCondition.MalformedRequest)]
    [InlineData("\0\0r0m30myr0m30", SaslFailureCondition.MalformedRequest)]
    [InlineData("\0juliet\0", SaslFailureCondition.MalformedRequest)]
    [InlineData("\0juliet\0a\0b", SaslFailureCondition.MalformedRequest)]
    public async Task Refused(string message, SaslFailureCondition condition)
    {
        var step = await StepAsync(message);

        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Equal(condition, step.Condition);
    }

    // Issue 11: an unknown user cost one more credential lookup than a known one, a timing
    // difference that revealed which accounts exist; every attempt now costs the same lookups.
    [Theory]
    [InlineData("\0juliet\0r0m30myr0m30")]
    [InlineData("\0juliet\0wrong")]
    [InlineData("\0romeo\0r0m30myr0m30")]
    public async Task Known_and_unknown_users_cost_the_same_lookups(string message)
    {
        var before = _accounts.Lookups;
        await StepAsync(message);
        Assert.Equal(2, _accounts.Lookups - before);
    }

    [Fact]
    public async Task Invalid_utf8_is_malformed()
    {
        var server = SaslServerMechanisms.Create(SaslMechanismNames.Plain, _accounts.Server())!;

        var step = await server.StepAsync(new byte[] { 0, 0x6A, 0xFF, 0, 0x70 }, CancellationToken.None);

        Assert.Equal(SaslFailureCondition.MalformedRequest, step.Condition);
    }

    [Fact]
    public async Task Sha1_only_accounts_still_log_in()
    {
        var accounts = new SaslTestAccounts().Add("old", ScramCredential.Derive(ScramHash.Sha1, "secret"));
        var server = SaslServerMechanisms.Create(SaslMechanismNames.Plain, accounts.Server())!;

        var step = await server.StepAsync("\0old\0secret"u8.ToArray(), CancellationToken.None);

        Assert.Equal(SaslStepKind.Success, step.Kind);
    }

    [Fact]
    public async Task Rfc6120_6_4_2_missing_initial_response_gets_an_empty_challenge()
    {
        var server = SaslServerMechanisms.Create(SaslMechanismNames.Plain, _accounts.Server())!;

        var challenge = await server.StepAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        var step = await server.StepAsync("\0juliet\0r0m30myr0m30"u8.ToArray(), CancellationToken.None);

        Assert.Equal(SaslStepKind.Challenge, challenge.Kind);
        Assert.Equal(SaslStepKind.Success, step.Kind);
    }

    private async Task<SaslServerStep> StepAsync(string message)
    {
        var server = SaslServerMechanisms.Create(SaslMechanismNames.Plain, _accounts.Server(domain: "example.com"))!;
        return await server.StepAsync(Encoding.UTF8.GetBytes(message), CancellationToken.None);
    }
}
