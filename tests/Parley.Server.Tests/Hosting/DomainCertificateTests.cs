using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Connections;
using Parley.Server.Hosting;
using Parley.Server.Tests.Storage;

namespace Parley.Server.Tests.Hosting;

/// <summary>Tls:Domains:&lt;domain&gt;: each hosted domain may present its own certificate (SNI or stream `to`).</summary>
public sealed class DomainCertificateTests : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly X509Certificate2 _chat = SelfSigned("chat.example");
    private readonly X509Certificate2 _books = SelfSigned("xn--bcher-kva.example");
    private readonly ServiceProvider _services;

    public DomainCertificateTests()
    {
        Directory.CreateDirectory(_data.Path);
        var chatPem = Write("chat.pem", _chat.ExportCertificatePem() + "\n" + _chat.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var booksPfx = Path.Combine(_data.Path, "books.p12");
        File.WriteAllBytes(booksPfx, _books.Export(X509ContentType.Pkcs12, "pw"));
        _services = _data.CreateServices(
            ("Domains:0", "localhost"),
            ("Domains:1", "chat.example"),
            ("Domains:2", "bücher.example"),
            ("Tls:Domains:Chat.Example:CertificatePath", chatPem),
            ("Tls:Domains:BÜCHER.example:CertificatePath", booksPfx),
            ("Tls:Domains:BÜCHER.example:CertificatePassword", "pw"));
    }

    private CertificateProvider Provider => _services.GetRequiredService<CertificateProvider>();

    public void Dispose()
    {
        _services.Dispose();
        _chat.Dispose();
        _books.Dispose();
        _data.Dispose();
    }

    [Theory]
    [InlineData("chat.example", "chat")]
    [InlineData("CHAT.example.", "chat")]
    [InlineData("xn--bcher-kva.example", "books")]
    [InlineData("bücher.example", "books")]
    [InlineData("localhost", "default")]
    [InlineData("elsewhere.example", "default")]
    [InlineData(null, "default")]
    [InlineData("not a domain", "default")]
    public void The_domain_named_picks_its_certificate(string? domain, string expected)
    {
        var chosen = Provider.GetCertificate(domain);

        Assert.True(chosen.HasPrivateKey);
        Assert.Equal(Thumbprint(expected), chosen.Thumbprint);
    }

    [Theory]
    [InlineData("chat.example", null, "chat")]
    [InlineData("xn--bcher-kva.example", "chat.example", "books")]
    [InlineData("", "chat.example", "chat")]
    [InlineData("localhost", "chat.example", "chat")]
    [InlineData("", null, "default")]
    [InlineData("elsewhere.example", "localhost", "default")]
    public async Task Tls_presents_the_certificate_of_the_sni_name_else_of_the_stream_domain(string sni, string? streamDomain, string expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        var connecting = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
        await connecting;

        X509Certificate? presented = null;
        await using var clientTls = new SslStream(client.GetStream());
        var clientOptions = new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            RemoteCertificateValidationCallback = (_, remote, _, _) =>
            {
                presented = remote;
                return true;
            },
        };
        var serverSide = new ServerTls(Provider).AuthenticateAsync(accepted.GetStream(), directTls: true, streamDomain, timeout.Token);
        await clientTls.AuthenticateAsClientAsync(clientOptions, timeout.Token);
        var (serverTls, _) = await serverSide;
        await using (serverTls)
        {
            Assert.Equal(Thumbprint(expected), Assert.IsType<X509Certificate2>(presented, exactMatch: false).Thumbprint);
        }
    }

    [Fact]
    public void A_certificate_for_a_domain_not_hosted_or_without_a_file_is_refused()
    {
        using var services = _data.CreateServices(
            ("Domains:0", "chat.example"),
            ("Tls:Domains:typo.example:CertificatePath", Path.Combine(_data.Path, "chat.pem")),
            ("Tls:Domains:chat.example:KeyPath", Path.Combine(_data.Path, "missing-key.pem")));

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ParleyOptions>>().Value);

        Assert.Equal(
            ["Tls:Domains:chat.example:CertificatePath must be set.", "Tls:Domains:typo.example is not a hosted domain (Domains)."],
            failure.Failures.Where(f => f.StartsWith("Tls:", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    private string Thumbprint(string which) => which switch
    {
        "chat" => _chat.Thumbprint,
        "books" => _books.Thumbprint,
        _ => Provider.GetCertificate().Thumbprint,
    };

    private string Write(string name, string content)
    {
        var path = Path.Combine(_data.Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
