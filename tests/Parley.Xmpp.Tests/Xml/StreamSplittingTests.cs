using System.Buffers;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>The reader is resumable: any cut of the input yields the same events (RFC 6120 §4: a stream is a byte stream).</summary>
public sealed class StreamSplittingTests
{
    // A client stream touching every construct the reader accepts.
    private const string ClientStream =
        "\uFEFF<?xml version='1.0' encoding='UTF-8'?>\n"
        + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' xml:lang='en'>"
        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
        + " \n\t "
        + "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"SCRAM-SHA-1\">biwsbj1qdWxpZXQscj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQQ==</auth>"
        + "<message to='romeo@example.net/orchard' type='chat' xml:lang='fr' id='m1'>"
        + "<body>Tr\u00e8s bien &amp; &lt;ok&gt; &quot;quoted&quot; &apos;apos&apos; &#233;&#x1F600; \u4F60\u597D \U0001F680</body>"
        + "<x:data xmlns:x='jabber:x:data' x:type='form'><x:field var='a'><value>1</value></x:field></x:data>"
        + "<html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'><p>a<b>b</b>c</p></body></html>"
        + "<code><![CDATA[if (a < b && c > d) { ]] ] }]]></code>"
        + "</message>"
        + "\n"
        + "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>"
        + "<presence><show>away</show><status xml:lang='de'>Gr\u00fc\u00dfe\r\nzeile</status></presence >"
        + "</stream:stream >trailing garbage is ignored";

    private static readonly byte[] Bytes = Utf8(ClientStream);

    private static List<string> Expected() => Render(Feed(new XmppStreamReader(), Bytes));

    [Fact]
    public void Whole_stream_yields_the_expected_events()
    {
        var events = Feed(new XmppStreamReader(), Bytes);
        Assert.Equal(
            [
                XmlStreamEventKind.StreamOpened, XmlStreamEventKind.Element, XmlStreamEventKind.Element,
                XmlStreamEventKind.Element, XmlStreamEventKind.Element, XmlStreamEventKind.Element, XmlStreamEventKind.StreamClosed,
            ],
            events.Select(e => e.Kind));

        var message = events[3].Element!;
        Assert.True(message.Is("message", "jabber:client"));
        Assert.Equal("Tr\u00e8s bien & <ok> \"quoted\" 'apos' \u00e9\U0001F600 \u4F60\u597D \U0001F680", message.ChildText("body", "jabber:client"));
        Assert.Equal("fr", message.Lang);
        var data = message.Child("data", "jabber:x:data")!;
        Assert.Equal("form", data.GetAttribute("type", "jabber:x:data"));
        Assert.Equal("1", data.Child("field", "jabber:x:data")!.ChildText("value", "jabber:client")); // unprefixed: the default namespace
        Assert.Equal("if (a < b && c > d) { ]] ] }", message.ChildText("code", "jabber:client"));
        var p = message.Child("html", "http://jabber.org/protocol/xhtml-im")!.Child("body", "http://www.w3.org/1999/xhtml")!.Child("p", "http://www.w3.org/1999/xhtml")!;
        Assert.Equal("ac", p.Text);
        Assert.Equal("Gr\u00fc\u00dfe\nzeile", events[5].Element!.ChildText("status", "jabber:client"));
    }

    [Fact]
    public void Every_two_way_split_yields_identical_events()
    {
        var expected = Expected();
        for (var cut = 1; cut < Bytes.Length; cut++)
        {
            var actual = Render(Feed(new XmppStreamReader(), Bytes[..cut], Bytes[cut..]));
            Assert.True(expected.SequenceEqual(actual), $"differs when cut at byte {cut}");
        }
    }

    [Fact]
    public void Byte_by_byte_yields_identical_events()
    {
        var actual = Render(Feed(new XmppStreamReader(), Bytes.Select(b => new[] { b }).ToArray()));
        Assert.Equal(Expected(), actual);
    }

    [Fact]
    public void Every_segment_boundary_inside_one_buffer_yields_identical_events()
    {
        var expected = Expected();
        for (var cut = 1; cut < Bytes.Length; cut += 3)
        {
            var end = Math.Min(Bytes.Length, cut + 7);
            var sequence = Segmented(Bytes[..cut], Bytes[cut..end], Bytes[end..]);
            var actual = Render(Feed(new XmppStreamReader(), [sequence]));
            Assert.True(expected.SequenceEqual(actual), $"differs with segments at {cut} and {end}");
        }
    }

    [Fact]
    public void An_event_slices_the_buffer_right_after_its_last_byte()
    {
        var reader = new XmppStreamReader();
        var buffer = new ReadOnlySequence<byte>(Utf8(Header + "<presence/><iq type='get' id='1'/>"));
        Assert.True(reader.TryRead(ref buffer, out var opened));
        Assert.Equal(XmlStreamEventKind.StreamOpened, opened.Kind);
        Assert.True(reader.TryRead(ref buffer, out var presence));
        Assert.Equal("presence", presence.Element!.Name);
        Assert.Equal("<iq type='get' id='1'/>", System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
