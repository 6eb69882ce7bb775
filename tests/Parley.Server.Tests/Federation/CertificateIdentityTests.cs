using System.Security.Cryptography.X509Certificates;
using Parley.Server.Federation;
using static Parley.Server.Tests.Federation.TestCertificates;

namespace Parley.Server.Tests.Federation;

/// <summary>RFC 6125 §6 / RFC 7590 §3.1 name matching of a peer server's certificate.</summary>
public sealed class CertificateIdentityTests
{
    [Theory]
    [InlineData("parley.example", "parley.example", true)]
    [InlineData("parley.example", "PARLEY.Example.", true)]
    [InlineData("PARLEY.EXAMPLE", "parley.example", true)]
    [InlineData("parley.example", "other.example", false)]
    [InlineData("parley.example", "sub.parley.example", false)]
    [InlineData("xn--bcher-kva.example", "bücher.example", true)] // RFC 6125 §6.4.2: A-label against U-label
    [InlineData("xn--bcher-kva.example", "BÜCHER.example", true)]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example", true)]
    [InlineData("*.example.org", "chat.example.org", true)] // §6.4.3: the whole leftmost label
    [InlineData("*.example.org", "example.org", false)]
    [InlineData("*.example.org", "a.chat.example.org", false)] // one label only
    [InlineData("*.org", "example.org", false)] // no wildcard over a bare top-level domain
    [InlineData("f*.example.org", "foo.example.org", false)] // no partial-label wildcards
    [InlineData("chat.*.org", "chat.example.org", false)]
    [InlineData("*.xn--bcher-kva.example", "shop.bücher.example", true)]
    public void Dns_id(string presented, string domain, bool expected)
    {
        using var certificate = SelfSigned("CN=ignored.example", DnsNames(presented));

        Assert.Equal(expected, CertificateIdentity.Matches(certificate, domain));
    }

    [Theory]
    [InlineData("_xmpp-server.srv.example", "srv.example", true)]
    [InlineData("_XMPP-Server.SRV.example", "srv.example", true)]
    [InlineData("_xmpp-server.xn--bcher-kva.example", "bücher.example", true)]
    [InlineData("_xmpp-client.srv.example", "srv.example", false)] // RFC 6125 §6.5.1: another service
    [InlineData("_xmpp-server.*.example", "srv.example", false)] // RFC 4985: no wildcards
    [InlineData("_xmpp-server.srv.example", "other.example", false)]
    public void Srv_id(string presented, string domain, bool expected)
    {
        using var certificate = SelfSigned("CN=" + domain, RawNames((DnsSrvOid, presented)));

        Assert.Equal(expected, CertificateIdentity.Matches(certificate, domain));
    }

    [Theory]
    [InlineData("xmpp.example", "xmpp.example", true)]
    [InlineData("bücher.example", "xn--bcher-kva.example", true)] // UTF8String, compared prepared
    [InlineData("XMPP.example", "xmpp.example", true)]
    [InlineData("user@xmpp.example", "xmpp.example", false)] // a server is a bare domain
    [InlineData("xmpp.example/resource", "xmpp.example", false)]
    [InlineData("other.example", "xmpp.example", false)]
    public void Xmpp_addr(string presented, string domain, bool expected)
    {
        using var certificate = SelfSigned("CN=" + domain, RawNames((XmppAddrOid, presented)));

        Assert.Equal(expected, CertificateIdentity.Matches(certificate, domain));
    }

    [Fact]
    public void Common_name_counts_only_without_identifiers_of_known_kinds()
    {
        using var plain = SelfSigned("CN=cn.example, O=Test", null);
        using var emailOnly = SelfSigned("CN=cn.example", RawNames(("email", "admin@cn.example")));
        using var withDnsId = SelfSigned("CN=cn.example", DnsNames("other.example"));
        using var withSrvId = SelfSigned("CN=cn.example", RawNames((DnsSrvOid, "_xmpp-server.other.example")));
        using var withXmppAddr = SelfSigned("CN=cn.example", RawNames((XmppAddrOid, "other.example")));
        using var withUriId = SelfSigned("CN=cn.example", RawNames(("uri", "xmpp:other.example")));

        Assert.True(CertificateIdentity.Matches(plain, "cn.example"));
        Assert.True(CertificateIdentity.Matches(emailOnly, "cn.example"));
        // RFC 6125 §6.4.4: any DNS-ID, SRV-ID, URI-ID or application-specific identifier rules out the CN.
        Assert.False(CertificateIdentity.Matches(withDnsId, "cn.example"));
        Assert.False(CertificateIdentity.Matches(withSrvId, "cn.example"));
        Assert.False(CertificateIdentity.Matches(withXmppAddr, "cn.example"));
        Assert.False(CertificateIdentity.Matches(withUriId, "cn.example"));
        Assert.True(CertificateIdentity.Matches(withXmppAddr, "other.example"));
    }

    [Fact]
    public void Every_kind_is_read_from_one_subject_alt_name()
    {
        using var certificate = SelfSigned("CN=cn.example", RawNames(
            ("dns", "dns.example"),
            (DnsSrvOid, "_xmpp-server.srv.example"),
            ("1.2.3.4.5", "unknown other name"),
            (XmppAddrOid, "xmpp.example"),
            ("uri", "https://uri.example/")));

        var identity = CertificateIdentity.Read(certificate);

        Assert.Equal(["dns.example"], identity.DnsNames);
        Assert.Equal(["_xmpp-server.srv.example"], identity.SrvNames);
        Assert.Equal(["xmpp.example"], identity.XmppAddrs);
        Assert.Equal(["cn.example"], identity.CommonNames);
        Assert.True(identity.HasUri);
        Assert.False(identity.UsesCommonName);
        Assert.True(identity.Matches("dns.example"));
        Assert.True(identity.Matches("srv.example"));
        Assert.True(identity.Matches("xmpp.example"));
        Assert.False(identity.Matches("cn.example"));
        Assert.False(identity.Matches("not a domain"));
    }

    [Fact]
    public void An_unreadable_subject_alt_name_matches_nothing_not_even_the_common_name()
    {
        // A SEQUENCE whose dNSName claims more bytes than it holds.
        using var certificate = SelfSigned("CN=cn.example", new X509Extension("2.5.29.17", [0x30, 0x05, 0x82, 0x09, 0x61, 0x62, 0x63], critical: false));

        Assert.False(CertificateIdentity.Matches(certificate, "cn.example"));
        Assert.False(CertificateIdentity.Matches(certificate, "abc"));
    }
}
