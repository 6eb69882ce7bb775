using System.Buffers;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>RFC 6120 §5.4.3.3 and §6.4.6: after TLS and SASL the stream restarts with a new header.</summary>
public sealed class ResetTests
{
    [Fact]
    public void Restart_after_proceed_expects_a_new_header_and_declaration()
    {
        var reader = new XmppStreamReader();
        var buffer = new ReadOnlySequence<byte>(Utf8(Header + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
        Assert.True(reader.TryRead(ref buffer, out _));
        Assert.True(reader.TryRead(ref buffer, out var starttls));
        Assert.Equal("starttls", starttls.Element!.Name);

        reader.Reset();
        Assert.Null(reader.StreamNamespace);
        var events = Feed(reader, Utf8("<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'><db:result xmlns:db='jabber:server:dialback'/>"));
        Assert.Equal([XmlStreamEventKind.StreamOpened, XmlStreamEventKind.Element], events.Select(e => e.Kind));
        Assert.Equal(Namespaces.Server, reader.StreamNamespace);
        Assert.Equal("jabber:server:dialback", events[1].Element!.Namespace);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData(" \r\n\t")]
    public void Whitespace_before_a_restarted_streams_declaration_is_accepted(string whitespace)
    {
        // go-xmpp writes "</auth>\n" and, after <success/>, "<?xml ...?><stream:stream ...>": the line
        // break belongs to the restarted stream. Prosody and ejabberd accept it; so does Parley.
        var reader = new XmppStreamReader();
        Feed(reader, Utf8(Header + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>"));
        reader.Reset();
        var events = Feed(reader, Utf8(whitespace + Header + " <presence/>\n"));
        Assert.Equal([XmlStreamEventKind.StreamOpened, XmlStreamEventKind.Element], events.Select(e => e.Kind));
    }

    [Theory]
    [InlineData("\n", StreamErrorCondition.RestrictedXml)]
    [InlineData("x", StreamErrorCondition.NotWellFormed)]
    [InlineData("<?xml version='1.0'?>\n", StreamErrorCondition.RestrictedXml)]
    [InlineData("\n<?php x?>", StreamErrorCondition.RestrictedXml)]
    public void Only_whitespace_only_on_a_restart_and_only_one_declaration(string prolog, StreamErrorCondition condition)
    {
        // The first stream keeps XML 1.0 §2.8 strictly (the declaration comes first, if at all); on a
        // restart whitespace is the only thing allowed before it, and a second declaration never.
        var reader = new XmppStreamReader();
        if (!prolog.StartsWith('\n'))
        {
            Feed(reader, Utf8(Header));
            reader.Reset();
        }

        var ex = Assert.Throws<StreamErrorException>(() => Feed(reader, Utf8(prolog + Header)));
        Assert.Equal(condition, ex.Condition);
    }

    [Fact]
    public void Reset_discards_a_partial_stanza_and_scope()
    {
        var reader = new XmppStreamReader();
        Feed(reader, Utf8(Header + "<message xmlns:p='urn:p'><body>half"));
        reader.Reset();
        Feed(reader, Utf8(Header));
        var ex = Assert.Throws<StreamErrorException>(() => Feed(reader, Utf8("<p:x/>")));
        Assert.Equal(StreamErrorCondition.BadNamespacePrefix, ex.Condition);
    }

    [Theory]
    [InlineData("<stream:stream>")]
    [InlineData("<stream:stream/>")]
    public void Without_reset_a_second_header_is_bad_format(string second)
    {
        // RFC 6120 §4.9.3.1: fails at the start tag, before it can swallow the stanzas after it.
        var reader = new XmppStreamReader();
        Feed(reader, Utf8(Header));
        var ex = Assert.Throws<StreamErrorException>(() => Feed(reader, Utf8(second)));
        Assert.Equal(StreamErrorCondition.BadFormat, ex.Condition);
    }

    [Fact]
    public void A_stream_element_below_a_stanza_is_just_an_element()
    {
        var reader = new XmppStreamReader();
        Feed(reader, Utf8(Header));
        var events = Feed(reader, Utf8("<message><stream:stream/></message>"));
        Assert.Single(events);
        Assert.NotNull(events[0].Element!.Child("stream", Namespaces.Streams));
    }

    [Fact]
    public void Reset_after_close_reads_again()
    {
        var reader = new XmppStreamReader();
        Assert.Equal(2, Feed(reader, Utf8(Header + "</stream:stream>")).Count);
        reader.Reset();
        Assert.Equal(2, Feed(reader, Utf8(Header + "<presence/>")).Count);
    }
}
