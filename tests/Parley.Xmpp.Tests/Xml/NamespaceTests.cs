using Parley.Xmpp.Streams;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>Namespaces in XML as RFC 6120 §4.8 and §11.2 apply it to streams.</summary>
public sealed class NamespaceTests
{
    [Fact]
    public void Stanzas_inherit_the_stream_default_namespace_and_declarations_are_not_attributes()
    {
        var reader = new Parley.Xmpp.Xml.XmppStreamReader();
        var events = Feed(reader, Utf8(Header + "<message xmlns:e='urn:e' e:a='1' b='2' xml:lang='en'><e:x><y/></e:x></message>"));
        Assert.Equal(Namespaces.Client, reader.StreamNamespace);
        var header = events[0].Element!;
        Assert.True(header.Is("stream", Namespaces.Streams));
        Assert.Equal(["to", "version"], header.Attributes.Select(a => a.Name));
        var message = events[1].Element!;
        Assert.Equal(Namespaces.Client, message.Namespace);
        Assert.Equal(
            [new("a", "1", "urn:e"), new("b", "2", null), new("lang", "en", Namespaces.Xml)],
            message.Attributes);
        var x = message.Child("x", "urn:e")!;
        Assert.NotNull(x.Child("y", Namespaces.Client));
    }

    [Fact]
    public void Server_streams_report_jabber_server()
    {
        var reader = new Parley.Xmpp.Xml.XmppStreamReader();
        Feed(reader, Utf8("<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>"));
        Assert.Equal(Namespaces.Server, reader.StreamNamespace);
    }

    [Fact]
    public void Stream_namespace_is_null_before_the_header_and_empty_when_undeclared()
    {
        var reader = new Parley.Xmpp.Xml.XmppStreamReader();
        Assert.Null(reader.StreamNamespace);
        Feed(reader, Utf8("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><presence/>"));
        Assert.Equal("", reader.StreamNamespace);
    }

    [Fact]
    public void Prefix_scope_ends_with_its_element()
    {
        AssertFails(StreamErrorCondition.BadNamespacePrefix, Header + "<message><a xmlns:p='urn:p'/><p:b/></message>");
    }

    [Fact]
    public void The_default_namespace_may_be_undeclared()
    {
        var events = Read(Header + "<message><x xmlns=''><y/></x></message>");
        Assert.Equal("", events[1].Element!.Child("x", "")!.Child("y", "")!.Namespace);
    }

    [Theory]
    [InlineData("<p:message/>")]
    [InlineData("<message p:a='1'/>")]
    [InlineData("<message><x:y/></message>")]
    public void Undeclared_prefixes(string xml) => AssertFails(StreamErrorCondition.BadNamespacePrefix, Header + xml);

    [Fact]
    public void Undeclared_stream_prefix_on_the_header() =>
        AssertFails(StreamErrorCondition.BadNamespacePrefix, "<stream:stream xmlns='jabber:client'>");

    [Theory]
    [InlineData("<stream xmlns='http://etherx.jabber.org/streams' xmlns:x='jabber:client'>")]
    [InlineData("<stream:stream xmlns:stream='http://etherx.jabber.org/streamz'>")]
    [InlineData("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>")]
    [InlineData("<message xmlns='jabber:client'>")]
    public void Wrong_root(string xml)
    {
        if (xml.StartsWith("<stream xmlns=", StringComparison.Ordinal))
        {
            // An unprefixed root in the streams namespace is legal XML and a legal stream.
            Assert.Single(Read(xml));
            return;
        }

        AssertFails(StreamErrorCondition.InvalidNamespace, xml);
    }

    [Theory]
    [InlineData("<message xmlns:xmlns='urn:x'/>")]
    [InlineData("<message xmlns:xml='urn:x'/>")]
    [InlineData("<message xmlns:p='http://www.w3.org/XML/1998/namespace'/>")]
    [InlineData("<message xmlns='http://www.w3.org/XML/1998/namespace'/>")]
    [InlineData("<message xmlns:p='http://www.w3.org/2000/xmlns/'/>")]
    [InlineData("<message xmlns:p=''/>")]
    [InlineData("<xmlns:message/>")]
    public void Reserved_prefixes_and_names_misused(string xml) => AssertFails(StreamErrorCondition.NotWellFormed, Header + xml);

    [Fact]
    public void The_xml_prefix_may_be_declared_with_its_own_namespace()
    {
        var events = Read(Header + "<message xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='it'/>");
        Assert.Equal("it", events[1].Element!.Lang);
    }

    [Fact]
    public void Different_prefixes_for_one_namespace_make_one_namespace()
    {
        var events = Read(Header + "<a:x xmlns:a='urn:z'><b:y xmlns:b='urn:z'/></a:x>");
        Assert.NotNull(events[1].Element!.Child("y", "urn:z"));
        Assert.Equal("urn:z", events[1].Element!.Namespace);
    }
}
