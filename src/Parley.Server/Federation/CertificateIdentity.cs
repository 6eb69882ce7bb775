using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Federation;

/// <summary>
/// The identities a peer certificate presents for an XMPP server (RFC 6120 §13.7.1.2, RFC 7590 §3.1,
/// RFC 6125 §6), read from the subjectAltName with an ASN.1 reader, never from display strings,
/// and matched against a domain: DNS-ID, SRV-ID `_xmpp-server.`, XmppAddr, and the subject's CN
/// only when none of those (nor a URI-ID) is present (RFC 6125 §6.4.4). Every name is compared in
/// prepared form (RFC 7622 §3.2: IDNA U-labels, lowercase), so A-labels and U-labels match.
/// </summary>
internal sealed class CertificateIdentity
{
    /// <summary>RFC 5280 §4.2.1.6: id-ce-subjectAltName.</summary>
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>RFC 6120 §13.7.1.4: id-on-xmppAddr.</summary>
    private const string XmppAddrOid = "1.3.6.1.5.5.7.8.5";

    /// <summary>RFC 4985 §2: id-on-dnsSRV.</summary>
    private const string DnsSrvOid = "1.3.6.1.5.5.7.8.7";

    /// <summary>RFC 5280 §4.1.2.4 / X.520: id-at-commonName.</summary>
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>RFC 6120 §13.7.1.2.1: the SRV-ID service of server-to-server XMPP.</summary>
    private const string ServerService = "_xmpp-server.";

    private static readonly Asn1Tag OtherNameTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag OtherNameValueTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag DnsNameTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    private readonly bool _unreadable;

    private CertificateIdentity(List<string> dnsNames, List<string> srvNames, List<string> xmppAddrs, List<string> commonNames, bool hasUri, bool unreadable)
    {
        DnsNames = dnsNames;
        SrvNames = srvNames;
        XmppAddrs = xmppAddrs;
        CommonNames = commonNames;
        HasUri = hasUri;
        _unreadable = unreadable;
    }

    /// <summary>dNSName entries as written (A-labels, possibly "*." wildcards).</summary>
    public IReadOnlyList<string> DnsNames { get; }

    /// <summary>id-on-dnsSRV entries as written ("_xmpp-server.example.org"); other services included.</summary>
    public IReadOnlyList<string> SrvNames { get; }

    /// <summary>id-on-xmppAddr entries as written (UTF-8 JIDs).</summary>
    public IReadOnlyList<string> XmppAddrs { get; }

    /// <summary>The subject's common names as written; used only when <see cref="UsesCommonName"/>.</summary>
    public IReadOnlyList<string> CommonNames { get; }

    /// <summary>Whether a uniformResourceIdentifier (URI-ID) was present, which also rules out the CN.</summary>
    public bool HasUri { get; }

    /// <summary>RFC 6125 §6.4.4: the CN is a fallback only for certificates with no identifier of a type we know.</summary>
    public bool UsesCommonName => DnsNames.Count == 0 && SrvNames.Count == 0 && XmppAddrs.Count == 0 && !HasUri && !_unreadable;

    /// <summary>
    /// Reads the identities of <paramref name="certificate"/>. A subjectAltName that is not valid DER
    /// counts as present but empty: such a certificate matches nothing rather than falling back to its CN.
    /// </summary>
    public static CertificateIdentity Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        List<string> dns = [], srv = [], xmpp = [], cn = [];
        var hasUri = false;
        var unreadable = false;
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == SubjectAltNameOid && !TryReadSubjectAltName(extension.RawData, dns, srv, xmpp, ref hasUri))
            {
                unreadable = true;
            }
        }

        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonNameOid && rdn.GetSingleElementValue() is { Length: > 0 } value)
            {
                cn.Add(value);
            }
        }

        return new CertificateIdentity(dns, srv, xmpp, cn, hasUri, unreadable);
    }

    /// <summary>Whether the certificate identifies <paramref name="domain"/> as an XMPP server (RFC 7590 §3.1, RFC 6125 §6).</summary>
    public static bool Matches(X509Certificate2 certificate, string domain) => Read(certificate).Matches(domain);

    /// <summary>Whether these identities name <paramref name="domain"/>; false for a domain that is not valid (RFC 7622 §3.2).</summary>
    public bool Matches(string domain)
    {
        if (!Precis.TryPrepareDomain(domain, out var reference))
        {
            return false;
        }

        foreach (var name in DnsNames)
        {
            if (MatchesDnsId(name, reference))
            {
                return true;
            }
        }

        foreach (var name in SrvNames)
        {
            // RFC 4985 §2: no wildcards in SRV-IDs; RFC 6125 §6.5.1: the service must be ours.
            if (name.StartsWith(ServerService, StringComparison.OrdinalIgnoreCase)
                && Precis.TryPrepareDomain(name[ServerService.Length..], out var prepared)
                && prepared == reference)
            {
                return true;
            }
        }

        foreach (var address in XmppAddrs)
        {
            // RFC 6120 §13.7.1.4: a server's XmppAddr is its bare domain.
            if (Jid.TryParse(address, out var jid) && jid.Local is null && jid.Resource is null && jid.Domain == reference)
            {
                return true;
            }
        }

        return UsesCommonName && CommonNames.Any(name => MatchesDnsId(name, reference));
    }

    /// <summary>
    /// RFC 6125 §6.4.1–§6.4.3: equal after preparation, or a "*." wildcard standing for exactly the
    /// whole leftmost label. A wildcard over a single remaining label ("*.com") matches nothing.
    /// </summary>
    private static bool MatchesDnsId(string presented, string reference)
    {
        if (presented.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = reference.IndexOf('.', StringComparison.Ordinal);
            return !IPAddress.TryParse(reference, out _)
                && Precis.TryPrepareDomain(presented[2..], out var parent)
                && parent.Contains('.', StringComparison.Ordinal)
                && dot > 0
                && reference[(dot + 1)..] == parent;
        }

        // Anything else holding '*' (partial wildcards such as "f*.example") is refused by preparation.
        return Precis.TryPrepareDomain(presented, out var prepared) && prepared == reference;
    }

    /// <summary>RFC 5280 §4.2.1.6: GeneralNames ::= SEQUENCE OF GeneralName.</summary>
    private static bool TryReadSubjectAltName(byte[] der, List<string> dns, List<string> srv, List<string> xmpp, ref bool hasUri)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var names = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(DnsNameTag))
                {
                    dns.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, DnsNameTag));
                }
                else if (tag.HasSameClassAndValue(UriTag))
                {
                    names.ReadEncodedValue();
                    hasUri = true;
                }
                else if (tag == OtherNameTag)
                {
                    ReadOtherName(names.ReadSequence(OtherNameTag), srv, xmpp);
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }

            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }.</summary>
    private static void ReadOtherName(AsnReader otherName, List<string> srv, List<string> xmpp)
    {
        var type = otherName.ReadObjectIdentifier();
        var value = otherName.ReadSequence(OtherNameValueTag);
        otherName.ThrowIfNotEmpty();
        switch (type)
        {
            case XmppAddrOid:
                // RFC 6120 §13.7.1.4: XmppAddr ::= UTF8String.
                xmpp.Add(value.ReadCharacterString(UniversalTagNumber.UTF8String));
                break;
            case DnsSrvOid:
                // RFC 4985 §2: SRVName ::= IA5String (SIZE (1..MAX)).
                srv.Add(value.ReadCharacterString(UniversalTagNumber.IA5String));
                break;
            default:
                return;
        }

        value.ThrowIfNotEmpty();
    }
}
