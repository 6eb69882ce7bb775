using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Xmpp.Tests.Sasl;

/// <summary>SASL EXTERNAL (RFC 4422 Appendix A) as servers use it after TLS (RFC 6120 §6.4, XEP-0178 §3).</summary>
public sealed class ExternalTests
{
    private readonly List<string?> _asked = [];

    [Fact]
    public async Task Server_to_server_round_trip_with_the_domain_as_authzid()
    {
        var client = SaslClientMechanisms.CreateExternal("parley.example");
        Assert.Equal(SaslMechanismNames.External, client.Name);
        Assert.Equal("cGFybGV5LmV4YW1wbGU=", SaslEncoding.Encode(client.GetInitialResponse()));

        var (step, verified) = await SaslTestAccounts.RunAsync(client, Server("parley.example"));

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("parley.example", step.Username);
        Assert.True(step.Data.IsEmpty);
        Assert.True(verified);
        Assert.Equal(["parley.example"], _asked);
    }

    [Fact]
    public async Task An_empty_authzid_is_sent_as_equals_and_leaves_the_identity_to_the_server()
    {
        var client = SaslClientMechanisms.CreateExternal(null);
        Assert.Equal("=", SaslEncoding.Encode(client.GetInitialResponse()));
        Assert.True(SaslEncoding.TryDecode("=", out var wire));

        var step = await Server("stream-from.example").StepAsync(wire, CancellationToken.None);

        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("stream-from.example", step.Username);
        Assert.Equal([null], _asked);
    }

    [Fact]
    public async Task An_authzid_the_certificate_does_not_cover_is_invalid_authzid()
    {
        var step = await Server(null).StepAsync("other.example"u8.ToArray(), CancellationToken.None);

        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Equal(SaslFailureCondition.InvalidAuthzid, step.Condition);
        Assert.Equal(["other.example"], _asked);
    }

    [Fact]
    public async Task No_authzid_and_no_identity_from_the_certificate_is_not_authorized()
    {
        var step = await Server(null).StepAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        Assert.Equal(SaslFailureCondition.NotAuthorized, step.Condition);
    }

    [Theory]
    [InlineData(new byte[] { 0x70, 0xFF, 0x71 })] // not UTF-8
    [InlineData(new byte[] { 0x70, 0x00, 0x71 })] // NUL is no UTF8-char (RFC 4422 §1.3)
    public async Task Malformed_authzids_are_refused_before_the_authorizer_sees_them(byte[] message)
    {
        var step = await Server("parley.example").StepAsync(message, CancellationToken.None);

        Assert.Equal(SaslFailureCondition.MalformedRequest, step.Condition);
        Assert.Empty(_asked);
    }

    [Fact]
    public async Task An_oversized_authzid_is_malformed()
    {
        var message = Encoding.UTF8.GetBytes(new string('a', SaslServerMechanism.MaxMessageBytes + 1));

        var step = await Server("parley.example").StepAsync(message, CancellationToken.None);

        Assert.Equal(SaslFailureCondition.MalformedRequest, step.Condition);
    }

    [Fact]
    public async Task The_exchange_is_single_use()
    {
        var server = Server("parley.example");
        Assert.Equal(SaslStepKind.Success, (await server.StepAsync("parley.example"u8.ToArray(), CancellationToken.None)).Kind);

        var again = await server.StepAsync("parley.example"u8.ToArray(), CancellationToken.None);

        Assert.Equal(SaslFailureCondition.MalformedRequest, again.Condition);
    }

    [Fact]
    public void The_client_answers_one_empty_challenge_with_its_authzid_and_nothing_else()
    {
        var client = SaslClientMechanisms.CreateExternal("parley.example");

        Assert.False(client.TryRespond("x"u8, out _));
        Assert.True(client.TryRespond([], out var response));
        Assert.Equal("parley.example"u8.ToArray(), response);
        Assert.False(client.TryRespond([], out _));
        Assert.True(client.VerifySuccess([]));
        Assert.False(client.VerifySuccess("data"u8));
    }

    [Fact]
    public void External_is_never_advertised_on_client_streams()
    {
        var context = new SaslTestAccounts().Server();

        Assert.DoesNotContain(SaslMechanismNames.External, SaslServerMechanisms.Advertised(context));
        Assert.Null(SaslServerMechanisms.Create(SaslMechanismNames.External, context));
        Assert.Null(SaslClientMechanisms.Select([SaslMechanismNames.External], SaslTestAccounts.Client()));
    }

    /// <summary>A server that grants exactly <paramref name="granted"/>: the requested domain when it matches, or the certificate's own when none was requested.</summary>
    private SaslServerMechanism Server(string? granted) => SaslServerMechanisms.CreateExternal(authzid =>
    {
        _asked.Add(authzid);
        return authzid is null || authzid == granted ? granted : null;
    });
}
