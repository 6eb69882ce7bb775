using Parley.Server.Modules.Caps;
using Parley.Server.Storage;

namespace Parley.Server.Tests.Pep;

/// <summary>XEP-0115 §5 verification strings, against the XEP's own examples.</summary>
public sealed class CapsVerificationTests
{
    [Fact]
    [Trait("Conformance", "XEP-0115 §5.2")]
    public void The_simple_example_hashes_to_its_ver()
    {
        var query = StoredXml.Read("<query xmlns='http://jabber.org/protocol/disco#info'><identity category='client' name='Exodus 0.9.1' type='pc'/>"
            + "<feature var='http://jabber.org/protocol/caps'/><feature var='http://jabber.org/protocol/disco#info'/>"
            + "<feature var='http://jabber.org/protocol/disco#items'/><feature var='http://jabber.org/protocol/muc'/></query>");
        Assert.Equal("client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<", CapsVerification.VerificationString(query));
        Assert.Equal("QgayPKawpkPSDYmwT/WM94uAlu0=", CapsVerification.Compute("sha-1", query));
        Assert.Null(CapsVerification.Compute("md4", query));
    }

    [Fact]
    [Trait("Conformance", "XEP-0115 §5.3")]
    public void The_complex_example_with_languages_and_an_extended_form_hashes_to_its_ver()
    {
        var query = StoredXml.Read("<query xmlns='http://jabber.org/protocol/disco#info'>"
            + "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/><identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>"
            + "<feature var='http://jabber.org/protocol/caps'/><feature var='http://jabber.org/protocol/disco#info'/>"
            + "<feature var='http://jabber.org/protocol/disco#items'/><feature var='http://jabber.org/protocol/muc'/>"
            + "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>"
            + "<field var='ip_version'><value>ipv4</value><value>ipv6</value></field><field var='os'><value>Mac</value></field>"
            + "<field var='os_version'><value>10.5.1</value></field><field var='software'><value>Psi</value></field>"
            + "<field var='software_version'><value>0.11</value></field></x></query>");
        Assert.Equal("q07IKJEyjvHSyhy//CH0CxmKi8w=", CapsVerification.Compute("sha-1", query));
    }
}
