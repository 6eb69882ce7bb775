using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Xmpp.Tests.Sasl;

/// <summary>The published SCRAM exchanges, reproduced byte for byte by the client and accepted by the server.</summary>
public sealed class ScramVectorsTests
{
    public static TheoryData<string, string, string, string, string, string, string, string> Vectors => new()
    {
        // RFC 5802 §5: SCRAM-SHA-1.
        {
            SaslMechanismNames.ScramSha1, "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j", "QSXCR+Q6sek8bf92",
            "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
        },
        // RFC 7677 §3: SCRAM-SHA-256.
        {
            SaslMechanismNames.ScramSha256, "rOprNGfwEbeRWgbNEkqO", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "W22ZaJ0SNY7soEsUEjb6gQ==",
            "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Client_reproduces_the_vector(
        string mechanism, string clientNonce, string serverNonce, string salt,
        string clientFirst, string serverFirst, string clientFinal, string serverFinal)
    {
        _ = serverNonce;
        _ = salt;
        var client = SaslClientMechanisms.Select([mechanism], SaslTestAccounts.Client("user", "pencil", tls: false, nonce: clientNonce))!;

        Assert.Equal(mechanism, client.Name);
        Assert.Equal(clientFirst, Encoding.UTF8.GetString(client.GetInitialResponse()));
        Assert.True(client.TryRespond(Encoding.UTF8.GetBytes(serverFirst), out var final));
        Assert.Equal(clientFinal, Encoding.UTF8.GetString(final));
        Assert.True(client.VerifySuccess(Encoding.UTF8.GetBytes(serverFinal)));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Server_reproduces_the_vector(
        string mechanism, string clientNonce, string serverNonce, string salt,
        string clientFirst, string serverFirst, string clientFinal, string serverFinal)
    {
        _ = clientNonce;
        var hash = mechanism == SaslMechanismNames.ScramSha1 ? ScramHash.Sha1 : ScramHash.Sha256;
        var accounts = new SaslTestAccounts().Add("user", ScramCredential.Derive(hash, "pencil", Convert.FromBase64String(salt), 4096));
        var server = SaslServerMechanisms.Create(mechanism, accounts.Server(tls: false, nonce: () => serverNonce))!;

        var first = await server.StepAsync(Encoding.UTF8.GetBytes(clientFirst), CancellationToken.None);
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        Assert.Equal(serverFirst, Encoding.UTF8.GetString(first.Data.Span));

        var last = await server.StepAsync(Encoding.UTF8.GetBytes(clientFinal), CancellationToken.None);
        Assert.Equal(SaslStepKind.Success, last.Kind);
        Assert.Equal("user", last.Username);
        Assert.Equal(serverFinal, Encoding.UTF8.GetString(last.Data.Span));
    }

    [Fact]
    public void Client_refuses_a_wrong_server_signature()
    {
        var client = SaslClientMechanisms.Select(
            [SaslMechanismNames.ScramSha1], SaslTestAccounts.Client("user", "pencil", tls: false, nonce: "fyko+d2lbbFgONRv9qkxdawL"))!;
        client.GetInitialResponse();
        Assert.True(client.TryRespond("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"u8, out _));

        Assert.False(client.VerifySuccess("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="u8));
    }
}
