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
}
