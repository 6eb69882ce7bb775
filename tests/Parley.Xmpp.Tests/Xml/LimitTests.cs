using System.Text;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>XmlLimits are enforced as bytes arrive: at the limit passes, one past fails with &lt;policy-violation/&gt;.</summary>
public sealed class LimitTests
{
    private const string ShortHeader = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    [Fact]
    public void Stanza_bytes()
    {
        var stanza = "<message><body>" + new string('a', 100) + "\u00e9</body></message>";
        var size = Encoding.UTF8.GetByteCount(stanza);
        Assert.Equal(2, Read(ShortHeader + stanza, new XmlLimits { MaxStanzaBytes = size }).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + stanza, new XmlLimits { MaxStanzaBytes = size - 1 });
    }

    [Fact]
    public void Stanza_bytes_are_counted_per_stanza_not_per_stream()
    {
        var stanza = "<presence/>";
        var events = Read(ShortHeader + stanza + " " + stanza + stanza, new XmlLimits { MaxStanzaBytes = stanza.Length });
        Assert.Equal(4, events.Count);
    }

    [Fact]
    public void Stanza_limit_fails_before_the_stanza_ends()
    {
        // An endless stanza is refused once it passes the limit, without waiting for its end.
        var reader = new XmppStreamReader(new XmlLimits { MaxStanzaBytes = 1000 });
        Feed(reader, Utf8(ShortHeader + "<message><body>"));
        var chunk = Utf8(new string('x', 100));
        var ex = Assert.Throws<StreamErrorException>(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                Feed(reader, chunk);
            }
        });
        Assert.Equal(StreamErrorCondition.PolicyViolation, ex.Condition);
    }

    [Fact]
    public void Stream_header_bytes()
    {
        var size = Encoding.UTF8.GetByteCount(ShortHeader);
        Assert.Single(Read(ShortHeader, new XmlLimits { MaxStreamHeaderBytes = size }));
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader, new XmlLimits { MaxStreamHeaderBytes = size - 1 });
    }

    [Fact]
    public void Xml_declaration_bytes()
    {
        const string declaration = "<?xml version='1.0'    ?>";
        var limits = new XmlLimits { MaxStreamHeaderBytes = Math.Max(declaration.Length, ShortHeader.Length) };
        Assert.Single(Read(declaration + ShortHeader, limits));
        AssertFails(StreamErrorCondition.PolicyViolation, declaration.Replace("    ", new string(' ', ShortHeader.Length), StringComparison.Ordinal) + ShortHeader, limits);
    }

    [Fact]
    public void Depth()
    {
        static string Nested(int depth) =>
            string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth));

        Assert.Equal(2, Read(ShortHeader + Nested(5), new XmlLimits { MaxDepth = 5 }).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + Nested(6), new XmlLimits { MaxDepth = 5 });
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + Nested(5).Replace("<a></a>", "<a/><a><a/></a>", StringComparison.Ordinal), new XmlLimits { MaxDepth = 5 });
    }

    [Fact]
    public void Attributes_including_namespace_declarations()
    {
        static string Element(int count) =>
            "<message xmlns:p='urn:p'" + string.Concat(Enumerable.Range(0, count - 1).Select(i => $" a{i}='{i}'")) + "/>";

        Assert.Equal(2, Read(ShortHeader + Element(4), new XmlLimits { MaxAttributes = 4 }).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + Element(5), new XmlLimits { MaxAttributes = 4 });
    }

    [Theory]
    [InlineData("<{0}/>")]
    [InlineData("<{0}></{0}>")]
    [InlineData("<message {0}='1'/>")]
    public void Name_length_in_characters(string template)
    {
        // At least the 13 characters of stream:stream on the header.
        var limits = new XmlLimits { MaxNameLength = 16 };

        // Sixteen characters, multi-byte ones counted once.
        var atLimit = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "\u00e9\u4F60abcdefghijklmn");
        Assert.Equal(2, Read(ShortHeader + atLimit, limits).Count);
        var overLimit = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "\u00e9\u4F60abcdefghijklmno");
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + overLimit, limits);
    }

    [Fact]
    public void Name_length_includes_the_prefix()
    {
        var limits = new XmlLimits { MaxNameLength = 13 }; // stream:stream
        Assert.Equal(2, Read(ShortHeader + "<p:abcdefghijk xmlns:p='urn:p'/>", limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + "<p:abcdefghijkl xmlns:p='urn:p'/>", limits);
    }

    [Fact]
    public void Whitespace_keepalives_are_not_buffered_or_limited()
    {
        var reader = new XmppStreamReader(new XmlLimits { MaxStanzaBytes = 64 });
        Feed(reader, Utf8(ShortHeader));
        Assert.Empty(Feed(reader, Utf8(new string(' ', 100_000))));
        Assert.Single(Feed(reader, Utf8("<presence/>")));
    }

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxStanzaBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxDepth = -1 }));
    }
}
