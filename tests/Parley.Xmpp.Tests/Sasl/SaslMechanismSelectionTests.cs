using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Xmpp.Tests.Sasl;

public sealed class SaslMechanismSelectionTests
{
    private static readonly string[] Everything =
    [
        SaslMechanismNames.Plain, SaslMechanismNames.ScramSha1, SaslMechanismNames.ScramSha256,
        SaslMechanismNames.ScramSha1Plus, SaslMechanismNames.ScramSha256Plus,
    ];

    private readonly SaslTestAccounts _accounts = new();

    [Fact]
    public void Rfc6120_6_4_1_server_advertises_plus_only_with_binding_and_plain_only_with_tls()
    {
        Assert.Equal(
            [SaslMechanismNames.ScramSha256Plus, SaslMechanismNames.ScramSha1Plus, SaslMechanismNames.ScramSha256, SaslMechanismNames.ScramSha1, SaslMechanismNames.Plain],
            SaslServerMechanisms.Advertised(_accounts.Server()));
        Assert.Equal(
            [SaslMechanismNames.ScramSha256, SaslMechanismNames.ScramSha1, SaslMechanismNames.Plain],
            SaslServerMechanisms.Advertised(_accounts.Server(binding: false)));
        Assert.Equal(
            [SaslMechanismNames.ScramSha256, SaslMechanismNames.ScramSha1],
            SaslServerMechanisms.Advertised(_accounts.Server(tls: false)));
    }

    [Fact]
    public void Xep0440_advertises_the_types_with_data()
    {
        Assert.Equal([ChannelBinding.TlsServerEndPoint, ChannelBinding.TlsUnique], SaslServerMechanisms.ChannelBindingTypes(_accounts.Server()));
        Assert.Empty(SaslServerMechanisms.ChannelBindingTypes(_accounts.Server(tls: false)));

        // TLS 1.3: no tls-unique.
        var context = new SaslServerContext
        {
            FindCredential = (_, _, _) => ValueTask.FromResult<ScramCredential?>(null),
            Secret = new byte[16],
            IsTlsActive = true,
            ChannelBindingData = type => type == ChannelBinding.TlsServerEndPoint ? [1] : null,
        };
        Assert.Equal([ChannelBinding.TlsServerEndPoint], SaslServerMechanisms.ChannelBindingTypes(context));
    }

    [Theory]
    [InlineData("X-UNKNOWN")]
    [InlineData("scram-sha-256")] // RFC 4422 §3.1: names are compared exactly
    [InlineData(SaslMechanismNames.Plain)] // not offered without TLS
    [InlineData(SaslMechanismNames.ScramSha256Plus)] // not offered without binding
    public void Unknown_or_unoffered_mechanisms_are_not_created(string name) =>
        Assert.Null(SaslServerMechanisms.Create(name, _accounts.Server(tls: false)));

    [Fact]
    public void Plain_may_be_allowed_without_tls()
    {
        var context = new SaslServerContext
        {
            FindCredential = (_, _, _) => ValueTask.FromResult<ScramCredential?>(null),
            Secret = new byte[16],
            AllowPlainWithoutTls = true,
        };

        Assert.Contains(SaslMechanismNames.Plain, SaslServerMechanisms.Advertised(context));
        Assert.NotNull(SaslServerMechanisms.Create(SaslMechanismNames.Plain, context));
    }

    [Fact]
    public void Client_prefers_plus_then_sha256_then_sha1_then_plain()
    {
        var withBinding = SaslTestAccounts.Client(binding: SaslTestAccounts.Binding);
        Assert.Equal(SaslMechanismNames.ScramSha256Plus, SaslClientMechanisms.Select(Everything, withBinding)!.Name);
        Assert.Equal(SaslMechanismNames.ScramSha1Plus, SaslClientMechanisms.Select([SaslMechanismNames.ScramSha1Plus, SaslMechanismNames.ScramSha256], withBinding)!.Name);
        Assert.Equal(SaslMechanismNames.ScramSha256, SaslClientMechanisms.Select(Everything, SaslTestAccounts.Client())!.Name);
        Assert.Equal(SaslMechanismNames.ScramSha1, SaslClientMechanisms.Select([SaslMechanismNames.Plain, SaslMechanismNames.ScramSha1], SaslTestAccounts.Client())!.Name);
        Assert.Equal(SaslMechanismNames.Plain, SaslClientMechanisms.Select([SaslMechanismNames.Plain], SaslTestAccounts.Client())!.Name);
    }

    [Fact]
    public void Client_never_sends_plain_in_the_clear_unless_allowed()
    {
        Assert.Null(SaslClientMechanisms.Select([SaslMechanismNames.Plain], SaslTestAccounts.Client(tls: false)));
        Assert.Null(SaslClientMechanisms.Select(["X-OTHER"], SaslTestAccounts.Client()));
    }

    [Fact]
    public void Client_binding_type_follows_xep0440_else_tls_server_end_point()
    {
        Assert.StartsWith("p=tls-server-end-point,", Initial(Everything, SaslTestAccounts.Client(binding: SaslTestAccounts.Binding)), StringComparison.Ordinal);
        Assert.StartsWith("p=tls-unique,", Initial(Everything, SaslTestAccounts.Client(binding: SaslTestAccounts.Binding, serverTypes: ["tls-exporter", ChannelBinding.TlsUnique])), StringComparison.Ordinal);

        // -PLUS offered but no common type: no binding, and 'n' because the server does support binding.
        var noCommon = SaslTestAccounts.Client(binding: SaslTestAccounts.Binding, serverTypes: ["tls-exporter"]);
        Assert.Equal(SaslMechanismNames.ScramSha256, SaslClientMechanisms.Select(Everything, noCommon)!.Name);
        Assert.StartsWith("n,,", Initial(Everything, noCommon), StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc5802_6_client_flag_is_y_only_when_it_could_bind_but_saw_no_plus()
    {
        string[] noPlus = [SaslMechanismNames.ScramSha256];
        Assert.StartsWith("y,,", Initial(noPlus, SaslTestAccounts.Client(binding: SaslTestAccounts.Binding)), StringComparison.Ordinal);
        Assert.StartsWith("n,,", Initial(noPlus, SaslTestAccounts.Client()), StringComparison.Ordinal);
        Assert.StartsWith("n,,", Initial(noPlus, SaslTestAccounts.Client(tls: false, binding: SaslTestAccounts.Binding)), StringComparison.Ordinal);
    }

    [Fact]
    public void Client_escapes_username_and_authzid()
    {
        var initial = Initial([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(username: "a,b=c", authzid: "x=y,z", nonce: "n0nce"));

        Assert.Equal("n,a=x=3Dy=2Cz,n=a=2Cb=3Dc,r=n0nce", initial);
    }

    [Theory]
    [InlineData("r=other-nonce-entirely,s=QSXCR+Q6sek8bf92,i=4096")] // server nonce must extend ours
    [InlineData("r=n0nce,s=QSXCR+Q6sek8bf92,i=4096")] // and add to it
    [InlineData("r=n0nceX,s=not*base64,i=4096")]
    [InlineData("r=n0nceX,s=QSXCR+Q6sek8bf92,i=0")]
    [InlineData("r=n0nceX,s=QSXCR+Q6sek8bf92,i=99999999")] // absurd iteration counts are refused
    [InlineData("r=n0nceX,s=QSXCR+Q6sek8bf92")]
    [InlineData("m=x,r=n0nceX,s=QSXCR+Q6sek8bf92,i=4096")]
    [InlineData("e=other-error")]
    public void Client_refuses_bad_server_first(string serverFirst)
    {
        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client(nonce: "n0nce"))!;
        client.GetInitialResponse();

        Assert.False(client.TryRespond(Encoding.UTF8.GetBytes(serverFirst), out _));
        Assert.False(client.VerifySuccess([]));
    }

    [Fact]
    public async Task Client_accepts_server_final_sent_as_a_challenge()
    {
        var accounts = new SaslTestAccounts().Add("juliet", "r0m30myr0m30");
        var client = SaslClientMechanisms.Select([SaslMechanismNames.ScramSha256], SaslTestAccounts.Client())!;
        var server = SaslServerMechanisms.Create(SaslMechanismNames.ScramSha256, accounts.Server())!;
        var first = await server.StepAsync(client.GetInitialResponse(), CancellationToken.None);
        Assert.True(client.TryRespond(first.Data.Span, out var final));
        var success = await server.StepAsync(final, CancellationToken.None);

        Assert.True(client.TryRespond(success.Data.Span, out var empty));
        Assert.Empty(empty);
        Assert.True(client.VerifySuccess([]));
    }

    private static string Initial(string[] offered, SaslClientContext context) =>
        Encoding.UTF8.GetString(SaslClientMechanisms.Select(offered, context)!.GetInitialResponse());
}
