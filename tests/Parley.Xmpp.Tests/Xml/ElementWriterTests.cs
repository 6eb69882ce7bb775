using System.Buffers;
using System.Text;
using Parley.Xmpp.Xml;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>ElementWriter output: minimal declarations, escaping, and nothing XML 1.0 forbids.</summary>
public sealed class ElementWriterTests
{
    [Fact]
    public void Declares_a_namespace_only_where_it_changes()
    {
        var message = new Element("message", Namespaces.Client).SetAttribute("to", "a@b");
        message.AddElement("body").AddText("hi");
        var x = message.AddElement("x", "urn:x");
        x.AddElement("y");
        x.AddElement("z", Namespaces.Client);

        Assert.Equal("<message to='a@b'><body>hi</body><x xmlns='urn:x'><y/><z xmlns='jabber:client'/></x></message>", ElementWriter.ToXml(message, Namespaces.Client));
        Assert.StartsWith("<message xmlns='jabber:client' to=", ElementWriter.ToXml(message), StringComparison.Ordinal);
    }

    [Fact]
    public void An_element_in_no_namespace_undeclares_the_default()
    {
        var outer = new Element("a", "urn:a");
        outer.AddElement("b", "");
        Assert.Equal("<a xmlns='urn:a'><b xmlns=''/></a>", ElementWriter.ToXml(outer));
        Assert.Equal("<b/>", ElementWriter.ToXml(new Element("b", "")));
    }

    [Fact]
    public void Namespaced_attributes_get_generated_prefixes_and_xml_lang_its_own()
    {
        var e = new Element("x", "urn:x")
            .SetAttribute("lang", "en", Namespaces.Xml)
            .SetAttribute("t", "1", "urn:p")
            .SetAttribute("u", "2", "urn:q")
            .SetAttribute("v", "3", "urn:p")
            .SetAttribute("plain", "4");
        Assert.Equal(
            "<x xmlns='urn:x' xml:lang='en' xmlns:a0='urn:p' a0:t='1' xmlns:a1='urn:q' a1:u='2' a0:v='3' plain='4'/>",
            ElementWriter.ToXml(e));
    }

    [Fact]
    public void Escapes_markup_in_text_and_attributes()
    {
        var e = new Element("body", "").SetAttribute("a", "&<>\"'\t\n\r");
        e.AddText("a&b<c>d]]>e\r\n\t\"'");
        Assert.Equal("<body a='&amp;&lt;&gt;&quot;&apos;&#9;&#10;&#13;'>a&amp;b&lt;c&gt;d]]&gt;e&#13;\n\t\"'</body>", ElementWriter.ToXml(e));
    }

    [Fact]
    public void Replaces_characters_xml_forbids_and_unpaired_surrogates()
    {
        var e = new Element("body", "").SetAttribute("a", "\0x\uFFFF");
        e.AddText("1\u00012\u001F3\uFFFE4\uD800 5\uDC00 6\U0001F600 \u00e9");
        Assert.Equal("<body a='\uFFFDx\uFFFD'>1\uFFFD2\uFFFD3\uFFFD4\uFFFD 5\uFFFD 6\U0001F600 \u00e9</body>", ElementWriter.ToXml(e));
    }

    [Fact]
    public void Writes_utf8_for_long_text_in_chunks()
    {
        var text = string.Concat(Enumerable.Repeat("\u4F60\U0001F600ab", 5000));
        var e = new Element("body", "");
        e.AddText(text);
        Assert.Equal("<body>" + text + "</body>", ElementWriter.ToXml(e));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("p:x")]
    [InlineData("1x")]
    [InlineData("")]
    public void Refuses_names_that_are_not_xml_names(string name)
    {
        Assert.Throws<ArgumentException>(() => ElementWriter.ToXml(new Element(name, "")));
        Assert.Throws<ArgumentException>(() => ElementWriter.ToXml(new Element("x", "").SetAttribute(name, "v")));
    }

    [Fact]
    public void Refuses_namespace_declarations_as_attributes()
    {
        Assert.Throws<ArgumentException>(() => ElementWriter.ToXml(new Element("x", "").SetAttribute("xmlns", "urn:x")));
        Assert.Throws<ArgumentException>(() => ElementWriter.ToXml(new Element("x", "").SetAttribute("p", "urn:x", Namespaces.Xmlns)));
    }

    [Fact]
    public void Stream_header()
    {
        var output = new ArrayBufferWriter<byte>();
        ElementWriter.WriteStreamHeader(output, Namespaces.Client,
            [new("from", "example.com"), new("id", "x'y"), new("version", "1.0"), new("lang", "en", Namespaces.Xml)]);
        Assert.Equal(
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='x&apos;y' version='1.0' xml:lang='en'>",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Stream_header_is_read_back_by_the_reader()
    {
        var output = new ArrayBufferWriter<byte>();
        ElementWriter.WriteStreamHeader(output, Namespaces.Server, [new("to", "example.net"), new("lang", "en", Namespaces.Xml)]);
        var reader = new XmppStreamReader();
        var events = XmlTestSupport.Feed(reader, output.WrittenSpan.ToArray());
        Assert.Equal(Namespaces.Server, reader.StreamNamespace);
        Assert.Equal("en", events[0].Element!.Lang);
        Assert.Equal("example.net", events[0].Element!.GetAttribute("to"));
    }

    [Fact]
    public void ToString_is_the_serialized_element()
    {
        var e = new Element("presence", Namespaces.Client);
        Assert.Equal("<presence xmlns='jabber:client'/>", e.ToString());
    }
}
