using Parley.Xmpp.Streams;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>RFC 6120 §11.1: constructs an XMPP stream must not contain are &lt;restricted-xml/&gt;.</summary>
public sealed class RestrictedXmlTests
{
    [Theory]
    [InlineData("<!-- hi --><stream:stream/>")]
    [InlineData("<?xml version='1.0'?><!DOCTYPE stream><stream:stream/>")]
    [InlineData("<?xml version='1.0'?><?pi data?><stream:stream/>")]
    [InlineData(" <?xml version='1.0'?><stream:stream/>")]
    [InlineData("<?xml-stylesheet href='a'?><stream:stream/>")]
    public void Before_the_header(string xml) => AssertFails(StreamErrorCondition.RestrictedXml, xml);

    [Theory]
    [InlineData("<!-- comment -->")]
    [InlineData("<?pi x?>")]
    [InlineData("<?xml version='1.0'?>")]
    [InlineData("<!DOCTYPE foo>")]
    [InlineData("<message><!-- c --></message>")]
    [InlineData("<message><?pi?></message>")]
    [InlineData("<message><body>&custom;</body></message>")]
    [InlineData("<message><body>&nbsp;</body></message>")]
    [InlineData("<message to='&xxe;'/>")]
    [InlineData("<message><body>&averyveryverylongentityname;</body></message>")]
    public void Inside_the_stream(string xml) => AssertFails(StreamErrorCondition.RestrictedXml, Header + xml);

    [Fact]
    public void Predefined_entities_and_character_references_are_allowed()
    {
        var events = Read(Header + "<message a='&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#0000067;'><body>&amp;&lt;&gt;&quot;&apos;&#x10FFFF;</body></message>");
        var message = events[1].Element!;
        Assert.Equal("&<>\"'ABC", message.GetAttribute("a"));
        Assert.Equal("&<>\"'\U0010FFFF", message.ChildText("body", "jabber:client"));
    }

    [Fact]
    public void Cdata_is_character_data_not_restricted()
    {
        var events = Read(Header + "<message><body>a<![CDATA[<b>&amp;]]]>c</body></message>");
        Assert.Equal("a<b>&amp;]c", events[1].Element!.ChildText("body", "jabber:client"));
    }

    /// <summary>
    /// The "billion laughs": ten levels of entities, each ten of the one below, would expand to
    /// 10^10 "lol"s. The reader stops at the "&lt;!DOCTYPE" that would declare them, fed one byte at a
    /// time, so nothing after it is even read, and allocates next to nothing on the way.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Billion_laughs_stops_at_the_doctype_with_memory_flat(bool insideTheStream)
    {
        var entities = new System.Text.StringBuilder("<!DOCTYPE lolz [<!ENTITY lol0 'lol'>");
        for (var level = 1; level <= 10; level++)
        {
            entities.Append("<!ENTITY lol").Append(level).Append(" '").Append(string.Concat(Enumerable.Repeat($"&lol{level - 1};", 10))).Append("'>");
        }

        entities.Append("]>");
        var xml = insideTheStream
            ? Header + entities + "<message><body>&lol10;</body></message>"
            : "<?xml version='1.0'?>" + entities + Header[Header.IndexOf("<stream", StringComparison.Ordinal)..] + "<message><body>&lol10;</body></message>";
        var bytes = Utf8(xml);
        var stop = xml.IndexOf("<!DOCTYPE", StringComparison.Ordinal) + "<!DOCTYPE".Length;

        var reader = new Parley.Xmpp.Xml.XmppStreamReader();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var fed = 0;
        var error = Assert.Throws<StreamErrorException>(() =>
        {
            for (; fed < bytes.Length; fed++)
            {
                var one = new System.Buffers.ReadOnlySequence<byte>(bytes, fed, 1);
                while (reader.TryRead(ref one, out _))
                {
                }
            }
        });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(StreamErrorCondition.RestrictedXml, error.Condition);
        Assert.InRange(fed, 0, stop);
        Assert.InRange(allocated, 0, 64 * 1024);
    }
}
