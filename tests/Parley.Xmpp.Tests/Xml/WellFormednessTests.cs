using Parley.Xmpp.Streams;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>RFC 6120 §4.9.3.13: input that is not well-formed XML is &lt;not-well-formed/&gt;.</summary>
public sealed class WellFormednessTests
{
    [Theory]
    [InlineData("<message></presence>")]
    [InlineData("<message><body></message></body>")]
    [InlineData("<message to=x/>")]
    [InlineData("<message to='x'\"/>")]
    [InlineData("<message to='a<b'/>")]
    [InlineData("<message to='a' to='b'/>")]
    [InlineData("<message xmlns:a='urn:x' xmlns:b='urn:x' a:t='1' b:t='2'/>")]
    [InlineData("<message to='a'from='b'/>")]
    [InlineData("<message to/>")]
    [InlineData("<message to='a' / >")]
    [InlineData("<1message/>")]
    [InlineData("<mes\"sage/>")]
    [InlineData("<:message/>")]
    [InlineData("<a:b:c xmlns:a='urn:x'/>")]
    [InlineData("< message/>")]
    [InlineData("<message>a]]>b</message>")]
    [InlineData("<message>&#0;</message>")]
    [InlineData("<message>&#xD800;</message>")]
    [InlineData("<message>&#x110000;</message>")]
    [InlineData("<message>&#xFFFE;</message>")]
    [InlineData("<message>&#;</message>")]
    [InlineData("<message>&#x;</message>")]
    [InlineData("<message>&#12a;</message>")]
    [InlineData("<message>&;</message>")]
    [InlineData("<message>& amp;</message>")]
    [InlineData("<message>\u0001</message>")]
    [InlineData("<message>\u000B</message>")]
    [InlineData("<message>\u001F</message>")]
    [InlineData("<message>\uFFFE</message>")]
    [InlineData("<message>\uFFFF</message>")]
    [InlineData("<message a='\u0008'/>")]
    [InlineData("hello")]
    [InlineData("&amp;")]
    [InlineData("<![CDATA[x]]>")]
    [InlineData("<message><![CDAT[x]]></message>")]
    [InlineData("<message><!x></message>")]
    [InlineData("</message>")]
    [InlineData("</stream:streamx>")]
    [InlineData("</stream>")]
    [InlineData("<message/>x")]
    public void Malformed_input_in_the_stream(string xml) => AssertFails(StreamErrorCondition.NotWellFormed, Header + xml);

    [Theory]
    [InlineData("hello<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")]
    [InlineData("<?xml version='1.1'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")]
    [InlineData("<?xml encoding='UTF-8'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")]
    [InlineData("<?xml?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")]
    [InlineData("<?xml version='1.0' standalone='maybe'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")]
    [InlineData("<?xml encoding='UTF-8' version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")]
    [InlineData("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' a='1' a='2'>")]
    public void Malformed_prolog_or_header(string xml) => AssertFails(StreamErrorCondition.NotWellFormed, xml);

    [Fact]
    public void Whitespace_between_stanzas_is_a_keepalive_and_produces_no_event()
    {
        var events = Read(Header + " \n\r\t <presence/>\n\n \t<presence/>   ");
        Assert.Equal(3, events.Count);
    }

    [Fact]
    public void Line_ends_and_attribute_whitespace_are_normalized_as_xml_requires()
    {
        // XML 1.0 §2.11 and §3.3.3; character references escape both.
        var events = Read(Header + "<message a='x\r\ny\tz\nw' b='&#10;&#9;&#13;'><body>1\r\n2\r3\n4&#13;</body></message>");
        var message = events[1].Element!;
        Assert.Equal("x y z w", message.GetAttribute("a"));
        Assert.Equal("\n\t\r", message.GetAttribute("b"));
        Assert.Equal("1\n2\n3\n4\r", message.ChildText("body", "jabber:client"));
    }

    [Fact]
    public void Bytes_after_the_closing_tag_are_ignored()
    {
        var events = Read(Header + "</stream:stream><<<not xml at all &&&");
        Assert.Equal([Parley.Xmpp.Xml.XmlStreamEventKind.StreamOpened, Parley.Xmpp.Xml.XmlStreamEventKind.StreamClosed], events.Select(e => e.Kind));
    }

    [Fact]
    public void A_self_closed_header_opens_and_closes_the_stream()
    {
        var events = Read("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>");
        Assert.Equal([Parley.Xmpp.Xml.XmlStreamEventKind.StreamOpened, Parley.Xmpp.Xml.XmlStreamEventKind.StreamClosed], events.Select(e => e.Kind));
    }
}
