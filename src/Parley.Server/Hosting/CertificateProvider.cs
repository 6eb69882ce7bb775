using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parley.Server.Hosting;

/// <summary>
/// The server's TLS certificate: the configured file (Tls:CertificatePath, PKCS#12 or PEM), or
/// else a self-signed one made on first start in &lt;DataDirectory&gt;/certificate.pfx and reused
/// until it nears expiry or no longer names every configured domain. Loaded once; the returned
/// certificate has its private key and works for SslStream server authentication.
/// </summary>
internal sealed class CertificateProvider : IDisposable
{
    public const string GeneratedFileName = "certificate.pfx";

    /// <summary>Local development certificates live long; operators bring their own for production.</summary>
    private static readonly TimeSpan GeneratedValidity = TimeSpan.FromDays(3650);

    /// <summary>Replace a generated certificate this close to its end rather than let it expire while running.</summary>
    private static readonly TimeSpan RenewalMargin = TimeSpan.FromDays(1);

    /// <summary>id-kp-serverAuth (RFC 5280 §4.2.1.12).</summary>
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private static readonly IdnMapping Idn = new();

    private readonly ParleyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CertificateProvider> _logger;
    private readonly Lazy<X509Certificate2> _certificate;

    public CertificateProvider(IOptions<ParleyOptions> options, TimeProvider time, ILogger<CertificateProvider> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _certificate = new Lazy<X509Certificate2>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Where a generated certificate is kept.</summary>
    public string GeneratedPath => Path.Combine(_options.DataDirectory, GeneratedFileName);

    /// <summary>The certificate with its private key; loaded or generated on first call.</summary>
    public X509Certificate2 GetCertificate() => _certificate.Value;

    public void Dispose()
    {
        if (_certificate.IsValueCreated)
        {
            _certificate.Value.Dispose();
        }
    }

    private X509Certificate2 Load()
    {
        var tls = _options.Tls;
        if (tls.CertificatePath.Length != 0)
        {
            var configured = LoadConfigured(tls);
            Log.CertificateLoaded(_logger, configured.Subject, configured.Thumbprint, tls.CertificatePath, configured.NotAfter);
            return configured;
        }

        var path = GeneratedPath;
        if (File.Exists(path))
        {
            var existing = TryLoadGenerated(path);
            if (existing is not null && Covers(existing))
            {
                Log.CertificateLoaded(_logger, existing.Subject, existing.Thumbprint, path, existing.NotAfter);
                return existing;
            }

            existing?.Dispose();
        }

        var generated = Generate(path);
        Log.CertificateGenerated(_logger, string.Join(", ", _options.Domains), path, generated.NotAfter);
        return generated;
    }

    private static X509Certificate2 LoadConfigured(TlsOptions tls)
    {
        var password = tls.CertificatePassword.Length == 0 ? null : tls.CertificatePassword;
        X509Certificate2 certificate;
        if (IsPem(tls.CertificatePath))
        {
            // With no KeyPath the key is read from the certificate file itself.
            var keyPath = tls.KeyPath.Length == 0 ? null : tls.KeyPath;
            certificate = password is null
                ? X509Certificate2.CreateFromPemFile(tls.CertificatePath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(tls.CertificatePath, password, keyPath);
        }
        else
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, password, X509KeyStorageFlags.Exportable);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"Tls:CertificatePath '{tls.CertificatePath}' has no private key; set Tls:KeyPath to its PEM key.");
        }

        return certificate;
    }

    private static bool IsPem(string path)
    {
        Span<byte> start = stackalloc byte[64];
        using var file = File.OpenRead(path);
        var read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        return start[..read].Trim(" \t\r\n"u8).StartsWith("-----BEGIN"u8);
    }

    private X509Certificate2? TryLoadGenerated(string path)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException exception)
        {
            // The file is ours to remake; a damaged one must not stop the server.
            Log.GeneratedCertificateUnreadable(_logger, path, exception);
            return null;
        }
    }

    /// <summary>Whether a generated certificate can be kept: has its key, is not near expiry, names every domain.</summary>
    private bool Covers(X509Certificate2 certificate)
    {
        if (!certificate.HasPrivateKey || certificate.NotAfter.ToUniversalTime() <= _time.GetUtcNow().UtcDateTime + RenewalMargin)
        {
            return false;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.UnionWith(san.EnumerateDnsNames());
            }
        }

        return _options.Domains.All(domain => names.Contains(Idn.GetAscii(domain)));
    }

    private X509Certificate2 Generate(string path)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + Idn.GetAscii(_options.Domains[0])), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        // RFC 6125 / RFC 7590: clients match the domain against DNS-ID subjectAltNames.
        var names = new SubjectAlternativeNameBuilder();
        foreach (var domain in _options.Domains)
        {
            names.AddDnsName(Idn.GetAscii(domain));
            if (domain == ParleyOptionsSetup.DefaultDomain)
            {
                names.AddIpAddress(IPAddress.Loopback);
                names.AddIpAddress(IPAddress.IPv6Loopback);
            }
        }

        request.CertificateExtensions.Add(names.Build());

        var now = _time.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now + GeneratedValidity);
        var pkcs12 = created.Export(X509ContentType.Pkcs12);

        // Written beside and moved into place so a crash never leaves a truncated file.
        var temporary = path + ".tmp";
        using (var file = OwnerOnlyFiles.Create(temporary, overwrite: true))
        {
            file.Write(pkcs12);
        }

        File.Move(temporary, path, overwrite: true);

        // Loaded back from PKCS#12 so the key is a persisted, exportable one that SslStream accepts
        // on every platform (an ephemeral key from CreateSelfSigned fails on Windows).
        return X509CertificateLoader.LoadPkcs12(pkcs12, null, X509KeyStorageFlags.Exportable);
    }
}
