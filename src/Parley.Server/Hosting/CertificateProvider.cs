using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parley.Server.Hosting;

/// <summary>
/// The server's TLS certificates. The default one is the configured file (Tls:CertificatePath,
/// PKCS#12 or PEM), or else a self-signed one made on first start in
/// &lt;DataDirectory&gt;/certificate.pfx and reused until it nears expiry or no longer names every
/// configured domain. A hosted domain may have its own (Tls:Domains:&lt;domain&gt;), chosen by the name
/// a peer asks for (SNI, or the stream header's `to`). All are loaded together, on first use and
/// again on <see cref="Reload"/> (SIGHUP: a certificate renewed on disk is used by the next
/// handshake, no restart); each has its private key and works for SslStream server authentication.
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

    /// <summary>id-kp-clientAuth (RFC 5280 §4.2.1.12): this server is the TLS client of its outbound s2s streams.</summary>
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private static readonly IdnMapping Idn = new();

    private readonly ParleyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CertificateProvider> _logger;
    private readonly Lock _gate = new();
    private volatile Loaded? _loaded;

    public CertificateProvider(IOptions<ParleyOptions> options, TimeProvider time, ILogger<CertificateProvider> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where a generated certificate is kept.</summary>
    public string GeneratedPath => Path.Combine(_options.DataDirectory, GeneratedFileName);

    /// <summary>The default certificate with its private key; every certificate is loaded (or generated) on first call.</summary>
    public X509Certificate2 GetCertificate() => Current.Default;

    /// <summary>
    /// The certificate for <paramref name="domain"/> (an SNI host name or a stream's `to`, in any
    /// case, A-labels or U-labels): its own when Tls:Domains names it, else the default one.
    /// </summary>
    public X509Certificate2 GetCertificate(string? domain) =>
        TryGetDomainCertificate(domain, out var certificate) ? certificate : GetCertificate();

    /// <summary>Whether <paramref name="domain"/> has a certificate of its own (Tls:Domains).</summary>
    public bool TryGetDomainCertificate(string? domain, [NotNullWhen(true)] out X509Certificate2? certificate)
    {
        // RFC 7622 §3.2: SNI carries A-labels (RFC 6066 §3), configuration holds prepared U-labels.
        certificate = null;
        var byDomain = Current.ByDomain;
        return byDomain.Count != 0
            && Xmpp.Addressing.Precis.TryPrepareDomain(domain, out var prepared)
            && byDomain.TryGetValue(prepared, out certificate);
    }

    /// <summary>
    /// Loads every certificate again from the configured files (or the generated one) and uses them
    /// for the handshakes that start from now on, logging each one that changed. When one cannot be
    /// loaded, nothing changes and the reason is logged: a broken renewal never takes TLS down.
    /// The certificates replaced are left to the collector, not disposed: handshakes in progress
    /// may still hold them.
    /// </summary>
    /// <returns>Whether the certificates were reloaded.</returns>
    public bool Reload()
    {
        lock (_gate)
        {
            Loaded fresh;
            try
            {
                fresh = LoadAll();
            }
            catch (Exception exception) when (exception is InvalidOperationException or CryptographicException or IOException or UnauthorizedAccessException)
            {
                Log.CertificateReloadFailed(_logger, exception.Message);
                return false;
            }

            var before = _loaded;
            _loaded = fresh;
            Log.CertificatesReloaded(_logger, Changes(before, fresh));
            return true;
        }
    }

    public void Dispose()
    {
        if (_loaded is { } loaded)
        {
            loaded.Default.Dispose();
            foreach (var certificate in loaded.ByDomain.Values)
            {
                certificate.Dispose();
            }
        }
    }

    private Loaded Current
    {
        get
        {
            if (_loaded is { } loaded)
            {
                return loaded;
            }

            lock (_gate)
            {
                return _loaded ??= LoadAll();
            }
        }
    }

    /// <summary>"default: A -> B; example.org: unchanged" for the reload's log line.</summary>
    private static string Changes(Loaded? before, Loaded after)
    {
        static string Change(X509Certificate2? old, X509Certificate2 now) =>
            old is null ? now.Thumbprint : old.Thumbprint == now.Thumbprint ? "unchanged" : old.Thumbprint + " -> " + now.Thumbprint;

        var changes = new List<string> { "default: " + Change(before?.Default, after.Default) };
        foreach (var (domain, certificate) in after.ByDomain.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            changes.Add(domain + ": " + Change(before?.ByDomain.GetValueOrDefault(domain), certificate));
        }

        return string.Join("; ", changes);
    }

    private Loaded LoadAll()
    {
        var byDomain = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal);
        try
        {
            foreach (var (domain, files) in _options.Tls.Domains)
            {
                var prepared = Xmpp.Addressing.Precis.PrepareDomain(domain);
                var certificate = LoadConfigured("Tls:Domains:" + domain, files.CertificatePath, files.KeyPath, files.CertificatePassword);
                byDomain[prepared] = certificate;
                Log.CertificateLoaded(_logger, certificate.Subject, certificate.Thumbprint, files.CertificatePath, certificate.NotAfter);
            }

            return new Loaded(LoadDefault(), byDomain.ToFrozenDictionary(StringComparer.Ordinal));
        }
        catch
        {
            foreach (var certificate in byDomain.Values)
            {
                certificate.Dispose();
            }

            throw;
        }
    }

    private X509Certificate2 LoadDefault()
    {
        var tls = _options.Tls;
        if (tls.CertificatePath.Length != 0)
        {
            var configured = LoadConfigured("Tls", tls.CertificatePath, tls.KeyPath, tls.CertificatePassword);
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

    /// <param name="prefix">The configuration keys' prefix, for the message when the key is missing.</param>
    private static X509Certificate2 LoadConfigured(string prefix, string certificatePath, string keyPath, string password)
    {
        var secret = password.Length == 0 ? null : password;
        X509Certificate2 certificate;
        if (IsPem(certificatePath))
        {
            // With no KeyPath the key is read from the certificate file itself.
            var key = keyPath.Length == 0 ? null : keyPath;
            certificate = secret is null
                ? X509Certificate2.CreateFromPemFile(certificatePath, key)
                : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, secret, key);
        }
        else
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, secret, X509KeyStorageFlags.Exportable);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{prefix}:CertificatePath '{certificatePath}' has no private key; set {prefix}:KeyPath to its PEM key.");
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

    /// <summary>Whether a generated certificate can be kept: has its key, is not near expiry, has both purposes, names every domain.</summary>
    private bool Covers(X509Certificate2 certificate)
    {
        if (!certificate.HasPrivateKey || certificate.NotAfter.ToUniversalTime() <= _time.GetUtcNow().UtcDateTime + RenewalMargin)
        {
            return false;
        }

        // One made by an earlier version has serverAuth only: it is remade with both purposes.
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault()?.EnhancedKeyUsages;
        if (usages is null || usages[ServerAuthOid] is null || usages[ClientAuthOid] is null)
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
        // Both purposes: peers that check the purpose of the certificate their s2s client presents
        // (ejabberd before 25.08 for SASL EXTERNAL: "unsupported certificate purpose") need clientAuth.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid), new Oid(ClientAuthOid)], false));
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

    private sealed record Loaded(X509Certificate2 Default, FrozenDictionary<string, X509Certificate2> ByDomain);
}
