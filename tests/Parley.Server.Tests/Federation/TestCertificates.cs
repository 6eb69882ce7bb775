using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Parley.Server.Tests.Federation;

/// <summary>Certificates made in the test: subjectAltNames of every kind servers present (RFC 6125, RFC 7590), and a CA to sign them.</summary>
internal static class TestCertificates
{
    public const string XmppAddrOid = "1.3.6.1.5.5.7.8.5";
    public const string DnsSrvOid = "1.3.6.1.5.5.7.8.7";

    /// <summary>A self-signed certificate with the given subject and subjectAltName extension (none when null).</summary>
    public static X509Certificate2 SelfSigned(string subject, X509Extension? subjectAltName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (subjectAltName is not null)
        {
            request.CertificateExtensions.Add(subjectAltName);
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A CA certificate with its key: self-signed (a root) when <paramref name="issuer"/> is null, else an intermediate.</summary>
    public static X509Certificate2 Authority(string name, X509Certificate2? issuer = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-10);
        var until = notAfter ?? DateTimeOffset.UtcNow.AddYears(1);
        if (issuer is null)
        {
            return request.CreateSelfSigned(from, until);
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));

        // CertificateRequest.Create refuses to outlive the issuer, which was made a moment earlier.
        var issuerEnd = new DateTimeOffset(issuer.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        using var signed = request.Create(issuer, from, until < issuerEnd ? until : issuerEnd, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>id-kp-serverAuth and id-kp-clientAuth (RFC 5280 §4.2.1.12).</summary>
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// A server certificate for <paramref name="domains"/> (DNS-IDs) signed by <paramref name="issuer"/>;
    /// with <paramref name="purposes"/>, an extended key usage of those OIDs (none when null).
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 issuer, string[] domains, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string[]? purposes = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + domains[0], key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        request.CertificateExtensions.Add(DnsNames(domains));
        if (purposes is not null)
        {
            var oids = new OidCollection();
            foreach (var purpose in purposes)
            {
                oids.Add(new Oid(purpose));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        using var signed = request.Create(issuer, notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(90), RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes certificates as a PEM bundle (S2s:CaCertificatesPath).</summary>
    public static void WritePem(string path, params X509Certificate2[] certificates) =>
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));

    public static X509Extension DnsNames(params string[] names)
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            builder.AddDnsName(name);
        }

        return builder.Build();
    }

    /// <summary>
    /// A subjectAltName written by hand (RFC 5280 §4.2.1.6), since SubjectAlternativeNameBuilder has
    /// no otherName: each entry is (type OID, value) for otherName, or ("dns", name) / ("uri", uri) / ("email", address).
    /// </summary>
    public static X509Extension RawNames(params (string Kind, string Value)[] entries)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var (kind, value) in entries)
            {
                switch (kind)
                {
                    case "dns":
                        writer.WriteCharacterString(UniversalTagNumber.IA5String, value, new Asn1Tag(TagClass.ContextSpecific, 2));
                        break;
                    case "uri":
                        writer.WriteCharacterString(UniversalTagNumber.IA5String, value, new Asn1Tag(TagClass.ContextSpecific, 6));
                        break;
                    case "email":
                        writer.WriteCharacterString(UniversalTagNumber.IA5String, value, new Asn1Tag(TagClass.ContextSpecific, 1));
                        break;
                    default:
                        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                        {
                            writer.WriteObjectIdentifier(kind);
                            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                            {
                                // id-on-xmppAddr is a UTF8String (RFC 6120 §13.7.1.4), SRVName an IA5String (RFC 4985 §2).
                                writer.WriteCharacterString(kind == XmppAddrOid ? UniversalTagNumber.UTF8String : UniversalTagNumber.IA5String, value);
                            }
                        }

                        break;
                }
            }
        }

        return new X509Extension("2.5.29.17", writer.Encode(), critical: false);
    }
}
