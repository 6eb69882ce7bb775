using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Certificates for federation tests, written as PEM files that Prosody (OpenSSL) and Parley both
/// read: a test CA and server certificates it issues, or self-signed ones for the dialback case.
/// Each server certificate names its domain as a DNS-ID and as an XmppAddr (RFC 6120 §13.7.1.2,
/// RFC 6125 §6.4) and allows both TLS roles, because a server presents the same certificate when
/// it connects out (as the TLS client) and when it accepts.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    /// <summary>id-on-xmppAddr (RFC 6120 §13.7.1.4).</summary>
    private const string XmppAddrOid = "1.3.6.1.5.5.7.8.5";

    private readonly string _directory;
    private readonly X509Certificate2? _authority;

    private TestCertificates(string directory, X509Certificate2? authority)
    {
        _directory = directory;
        _authority = authority;
    }

    /// <summary>The CA certificate as PEM, or null when the certificates are self-signed.</summary>
    public string? AuthorityPath { get; private init; }

    /// <summary>A test CA in <paramref name="directory"/> that issues every certificate of <see cref="Issue"/>.</summary>
    public static TestCertificates WithAuthority(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Parley interop test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var authority = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));
        var path = Path.Combine(directory, "ca.crt");
        File.WriteAllText(path, authority.ExportCertificatePem() + "\n");
        return new TestCertificates(directory, authority) { AuthorityPath = path };
    }

    /// <summary>Self-signed certificates: no CA, so only dialback (XEP-0220) can authenticate a peer.</summary>
    public static TestCertificates SelfSigned(string directory) => new(directory, null);

    /// <summary>Writes &lt;domain&gt;.crt and &lt;domain&gt;.key (PKCS#8) for <paramref name="domain"/>.</summary>
    /// <param name="serverAuthOnly">
    /// serverAuth alone, as public CAs issue server certificates since 2026 (Let's Encrypt since
    /// February), instead of serverAuth and clientAuth.
    /// </param>
    /// <param name="xmppAddr">
    /// False for a DNS-ID alone, as public CAs issue them: ejabberd 23.01 (p1_xmpp 1.6.1,
    /// xmpp_stream_pkix:get_domains_from_san) crashes its inbound stream on a trusted peer
    /// certificate whose XmppAddr names a domain.
    /// </param>
    public CertificateFiles Issue(string domain, bool serverAuthOnly = false, bool xmppAddr = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={domain}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(domain);
        request.CertificateExtensions.Add(xmppAddr ? WithXmppAddr(names.Build(), domain) : names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            serverAuthOnly ? [new Oid("1.3.6.1.5.5.7.3.1")] : [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        var now = DateTimeOffset.UtcNow;
        X509Certificate2 certificate;
        if (_authority is null)
        {
            certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        }
        else
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authority, true, false));
            using var signer = _authority.GetECDsaPrivateKey()!;
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7f; // a positive INTEGER (RFC 5280 §4.1.2.2)
            certificate = request.Create(_authority.SubjectName, X509SignatureGenerator.CreateForECDsa(signer), now.AddHours(-1), now.AddDays(1), serial);
        }

        using (certificate)
        {
            var files = new CertificateFiles(Path.Combine(_directory, domain + ".crt"), Path.Combine(_directory, domain + ".key"));
            File.WriteAllText(files.CertificatePath, certificate.ExportCertificatePem() + "\n");
            File.WriteAllText(files.KeyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
            return files;
        }
    }

    /// <summary>A client-side check that trusts the test CA only and still requires the name to match.</summary>
    public RemoteCertificateValidationCallback Validation()
    {
        var authority = _authority ?? throw new InvalidOperationException("Self-signed certificates have no CA to trust.");
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }

    public void Dispose() => _authority?.Dispose();

    /// <summary>The SAN extension with an otherName XmppAddr (a UTF8String) appended to the DNS-IDs.</summary>
    private static X509Extension WithXmppAddr(X509Extension dnsNames, string domain)
    {
        var reader = new AsnReader(dnsNames.RawData, AsnEncodingRules.DER).ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            while (reader.HasData)
            {
                writer.WriteEncodedValue(reader.ReadEncodedValue().Span);
            }

            // GeneralName otherName [0] { type-id OID, value [0] EXPLICIT UTF8String } (RFC 5280 §4.2.1.6).
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteObjectIdentifier(XmppAddrOid);
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, domain);
                }
            }
        }

        return new X509Extension(dnsNames.Oid!, writer.Encode(), critical: false);
    }
}
