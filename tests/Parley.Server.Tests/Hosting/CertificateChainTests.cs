using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Hosting;
using Parley.Server.Tests.Federation;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Storage;

namespace Parley.Server.Tests.Hosting;

/// <summary>
/// A certificate file may be a full chain (leaf, then intermediates): every TLS handshake sends the
/// intermediates, so a peer trusting only the root builds the chain without fetching anything.
/// </summary>
public sealed class CertificateChainTests : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly X509Certificate2 _root = TestCertificates.Authority("Chain Test Root");
    private readonly X509Certificate2 _intermediate;
    private readonly X509Certificate2 _leaf;

    public CertificateChainTests()
    {
        Directory.CreateDirectory(_data.Path);
        _intermediate = TestCertificates.Authority("Chain Test Intermediate", _root);
        _leaf = TestCertificates.Issue(_intermediate, [TestServer.Domain], purposes: [TestCertificates.ServerAuthOid, TestCertificates.ClientAuthOid]);
    }

    public void Dispose()
    {
        _leaf.Dispose();
        _intermediate.Dispose();
        _root.Dispose();
        _data.Dispose();
    }

    [Theory]
    [InlineData("c2s direct TLS")]
    [InlineData("https")]
    public async Task A_fullchain_pem_is_served_with_its_intermediate(string listener)
    {
        var (chain, key) = WriteFullChainPem();
        await using var server = await TestServer.StartAsync(
            ("Tls:CertificatePath", chain),
            ("Tls:KeyPath", key),
            ("Http:TlsPort", "5281"));

        var sent = await HandshakeAsync(listener == "https" ? server.Https : server.C2sTls);

        Assert.Equal([_leaf.Thumbprint, _intermediate.Thumbprint, _root.Thumbprint], BuildFromRoot(sent));
    }

    [Fact]
    public void A_pkcs12_bundle_serves_every_certificate_but_the_leaf_as_intermediates()
    {
        var bundle = Path.Combine(_data.Path, "bundle.p12");
        File.WriteAllBytes(bundle, new X509Certificate2Collection { _leaf, _intermediate }.Export(X509ContentType.Pkcs12, "pw")!);
        using var services = _data.CreateServices(("Tls:CertificatePath", bundle), ("Tls:CertificatePassword", "pw"));

        var context = services.GetRequiredService<CertificateProvider>().GetContext(null);

        Assert.Equal(_leaf.Thumbprint, context.TargetCertificate.Thumbprint);
        Assert.True(context.TargetCertificate.HasPrivateKey);
        Assert.Equal(_intermediate.Thumbprint, Assert.Single(context.IntermediateCertificates).Thumbprint);
    }

    [Fact]
    public void A_reload_picks_up_a_chain_added_to_the_file()
    {
        var (chain, key) = WriteFullChainPem();
        File.WriteAllText(chain, _leaf.ExportCertificatePem());
        using var services = _data.CreateServices(("Tls:CertificatePath", chain), ("Tls:KeyPath", key));
        var provider = services.GetRequiredService<CertificateProvider>();
        Assert.Empty(provider.GetContext(null).IntermediateCertificates);

        WriteFullChainPem();
        Assert.True(provider.Reload());

        Assert.Equal(_intermediate.Thumbprint, Assert.Single(provider.GetContext(null).IntermediateCertificates).Thumbprint);
    }

    private (string Chain, string Key) WriteFullChainPem()
    {
        var chain = Path.Combine(_data.Path, "fullchain.pem");
        var key = Path.Combine(_data.Path, "privkey.pem");
        File.WriteAllText(chain, _leaf.ExportCertificatePem() + "\n" + _intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(key, _leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (chain, key);
    }

    /// <summary>A TLS client handshake; returns the certificates the server sent besides its own.</summary>
    private static async Task<X509Certificate2Collection> HandshakeAsync(IPEndPoint endPoint)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(endPoint, timeout.Token);
        var sent = new X509Certificate2Collection();
        await using var tls = new SslStream(client.GetStream());
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = TestServer.Domain,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, _, chain, _) =>
                {
                    // The platform's chain holds what the peer sent in its ExtraStore.
                    foreach (var certificate in chain!.ChainPolicy.ExtraStore)
                    {
                        sent.Add(X509CertificateLoader.LoadCertificate(certificate.RawData));
                    }

                    return true;
                },
            },
            timeout.Token);
        return sent;
    }

    /// <summary>The chain of the leaf built as a peer trusting only the root does: nothing fetched, nothing from the system store.</summary>
    private string[] BuildFromRoot(X509Certificate2Collection sent)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_root);
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(sent);

        Assert.True(chain.Build(_leaf), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        return [.. chain.ChainElements.Select(e => e.Certificate.Thumbprint)];
    }
}
