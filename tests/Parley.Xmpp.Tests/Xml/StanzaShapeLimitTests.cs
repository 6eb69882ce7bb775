using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>
/// The limits on a stanza's shape (elements, attribute values, text), beside its size and depth: at the
/// limit passes, one past fails with &lt;policy-violation/&gt;, and the count starts again with each stanza.
/// </summary>
public sealed class StanzaShapeLimitTests
{
    private const string ShortHeader = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    [Fact]
    public void Elements_per_stanza()
    {
        var limits = new XmlLimits { MaxElements = 4 };
        const string AtLimit = "<message><a/><b><c/></b></message>";
        Assert.Equal(3, Read(ShortHeader + AtLimit + AtLimit, limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + "<message><a/><b><c/></b><d/></message>", limits);
    }

    [Fact]
    public void Attribute_value_bytes_after_references()
    {
        // 40 leaves room for the header's own namespace values (32 bytes): the limit applies to every element.
        var limits = new XmlLimits { MaxAttributeValueBytes = 40 };
        Assert.Equal(2, Read(ShortHeader + $"<message id='{new string('a', 37)}&amp;\u00e9'/>", limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + $"<message id='{new string('a', 38)}&amp;\u00e9'/>", limits);
    }

    [Fact]
    public void Text_bytes_per_run()
    {
        var limits = new XmlLimits { MaxTextBytes = 8 };
        // Two runs of eight bytes around a child are each within the limit.
        Assert.Equal(2, Read(ShortHeader + "<message>abcde&lt;\u00e9<b/>12345678</message>", limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + "<message><body>abcdef&lt;\u00e9</body></message>", limits);
    }

    [Fact]
    public void Zero_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxElements = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxAttributeValueBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxTextBytes = 0 }));
    }
}
