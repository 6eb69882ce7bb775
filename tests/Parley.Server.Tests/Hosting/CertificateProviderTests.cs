using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Tests.Storage;

namespace Parley.Server.Tests.Hosting;

public sealed class CertificateProviderTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Generates_once_for_every_domain_and_reuses_it()
    {
        string thumbprint;
        using (var first = Provider(["localhost", "example.com"]))
        {
            var certificate = first.GetCertificate();
            thumbprint = certificate.Thumbprint;

            Assert.True(certificate.HasPrivateKey);
            Assert.Equal(["localhost", "example.com"], DnsNames(certificate));
            var usage = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
            // serverAuth and clientAuth (issue 20): this server is also the TLS client of its outbound s2s streams.
            Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usage.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value));
            Assert.True(certificate.NotAfter > DateTime.UtcNow.AddYears(9));
            Assert.True(File.Exists(first.GeneratedPath));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.GeneratedPath));
            }
        }

        using var second = Provider(["example.com", "localhost"]);
        Assert.Equal(thumbprint, second.GetCertificate().Thumbprint);
        Assert.Same(second.GetCertificate(), second.GetCertificate());
    }

    [Fact]
    public void Regenerates_when_a_domain_is_added()
    {
        using var first = Provider(["localhost"]);
        var before = first.GetCertificate().Thumbprint;

        using var second = Provider(["localhost", "chat.example"]);

        Assert.NotEqual(before, second.GetCertificate().Thumbprint);
        Assert.Contains("chat.example", DnsNames(second.GetCertificate()));
    }

    [Fact]
    public void Regenerates_when_expired()
    {
        using var first = Provider(["localhost"]);
        var before = first.GetCertificate();

        using var later = Provider(["localhost"], new ShiftedTime(TimeSpan.FromDays(3660)));

        Assert.NotEqual(before.Thumbprint, later.GetCertificate().Thumbprint);
        Assert.True(later.GetCertificate().NotAfter > before.NotAfter);
    }

    [Fact]
    public void Loads_a_configured_pkcs12_file_with_its_password()
    {
        using var original = SelfSigned("files.example");
        var path = WriteFile("server.p12", original.Export(X509ContentType.Pkcs12, "pfx-password"));

        using var provider = Provider(["files.example"], tls: new TlsOptions { CertificatePath = path, CertificatePassword = "pfx-password" });

        Assert.Equal(original.Thumbprint, provider.GetCertificate().Thumbprint);
        Assert.True(provider.GetCertificate().HasPrivateKey);
        Assert.False(File.Exists(provider.GeneratedPath));
    }

    [Fact]
    public void Loads_a_configured_pem_certificate_and_key()
    {
        using var original = SelfSigned("pem.example");
        var certificatePath = WriteFile("cert.pem", System.Text.Encoding.ASCII.GetBytes(original.ExportCertificatePem()));
        var keyPath = WriteFile("key.pem", System.Text.Encoding.ASCII.GetBytes(original.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()));

        using var provider = Provider(["pem.example"], tls: new TlsOptions { CertificatePath = certificatePath, KeyPath = keyPath });
        Assert.Equal(original.Thumbprint, provider.GetCertificate().Thumbprint);
        Assert.True(provider.GetCertificate().HasPrivateKey);

        using var keyless = Provider(["pem.example"], tls: new TlsOptions { CertificatePath = certificatePath });
        Assert.ThrowsAny<Exception>(() => keyless.GetCertificate());
    }

    [Fact]
    public async Task The_generated_certificate_serves_a_tls_handshake()
    {
        using var provider = Provider(["localhost"]);
        var certificate = provider.GetCertificate();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        var connecting = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
        await connecting;

        await using var serverTls = new SslStream(accepted.GetStream());
        await using var clientTls = new SslStream(client.GetStream());
        X509Certificate? presented = null;
        var clientOptions = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, remote, _, errors) =>
            {
                presented = remote;
                // Self-signed, so only the chain may fail; the name must match.
                return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
            },
        };
        await Task.WhenAll(
            serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token),
            clientTls.AuthenticateAsClientAsync(clientOptions, timeout.Token));

        Assert.True(clientTls.IsAuthenticated);
        Assert.Equal(certificate.Thumbprint, Assert.IsType<X509Certificate2>(presented, exactMatch: false).Thumbprint);
    }

    private CertificateProvider Provider(List<string> domains, TimeProvider? time = null, TlsOptions? tls = null) =>
        new(Options.Create(new ParleyOptions { Domains = domains, DataDirectory = _data.Path, Tls = tls ?? new TlsOptions() }), time ?? TimeProvider.System, NullLogger<CertificateProvider>.Instance);

    private static List<string> DnsNames(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames()];

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private string WriteFile(string name, byte[] content)
    {
        Directory.CreateDirectory(_data.Path);
        var path = Path.Combine(_data.Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private sealed class ShiftedTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
