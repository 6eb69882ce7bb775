using Parley.Xmpp.Streams;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>RFC 6120 §11.6 and §4.9.3.22: UTF-8 only; anything else is &lt;unsupported-encoding/&gt;.</summary>
public sealed class EncodingTests
{
    private const string Root = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>";

    public static TheoryData<byte[]> InvalidUtf8 => new()
    {
        new byte[] { 0xC0, 0xAF },             // overlong '/'
        new byte[] { 0xC1, 0xBF },             // overlong
        new byte[] { 0xE0, 0x80, 0xAF },       // overlong three-byte
        new byte[] { 0xF0, 0x80, 0x80, 0xAF }, // overlong four-byte
        new byte[] { 0xED, 0xA0, 0x80 },       // surrogate U+D800
        new byte[] { 0xED, 0xBF, 0xBF },       // surrogate U+DFFF
        new byte[] { 0xF4, 0x90, 0x80, 0x80 }, // U+110000
        new byte[] { 0xF5, 0x80, 0x80, 0x80 },
        new byte[] { 0xFF },
        new byte[] { 0x80 },                   // lone continuation
        new byte[] { 0xC3, 0x41 },             // truncated sequence
        new byte[] { 0xE4, 0xBD, 0x3C },       // truncated before markup
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Invalid_utf8_in_text(byte[] bad) =>
        AssertFails(StreamErrorCondition.UnsupportedEncoding, [.. Utf8(Header + "<message><body>"), .. bad, .. Utf8("</body></message>")]);

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Invalid_utf8_in_an_attribute(byte[] bad) =>
        AssertFails(StreamErrorCondition.UnsupportedEncoding, [.. Utf8(Header + "<message to='"), .. bad, .. Utf8("'/>")]);

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Invalid_utf8_deep_inside_a_run_of_valid_multibyte_text(byte[] bad)
    {
        var valid = Utf8(string.Concat(Enumerable.Repeat("\u4F60\u00e9\U0001F600", 40)));
        AssertFails(StreamErrorCondition.UnsupportedEncoding, [.. Utf8(Header + "<message><body>"), .. valid, .. bad, .. valid, .. Utf8("</body></message>")]);
        AssertFails(StreamErrorCondition.UnsupportedEncoding, [.. Utf8(Header + "<message a='"), .. valid, .. bad, .. valid, .. Utf8("'/>")]);
    }

    [Theory]
    [InlineData("\uFFFE")]
    [InlineData("\uFFFF")]
    public void Noncharacters_deep_inside_a_run_of_valid_multibyte_text(string nonCharacter)
    {
        var valid = string.Concat(Enumerable.Repeat("\u4F60\uFFFD\uFFEF", 40));
        AssertFails(StreamErrorCondition.NotWellFormed, Header + "<message><body>" + valid + nonCharacter + valid + "</body></message>");
        AssertFails(StreamErrorCondition.NotWellFormed, Header + "<message a='" + valid + nonCharacter + "'/>");
    }

    [Theory]
    [InlineData(new byte[] { 0xFE, 0xFF, 0x00, 0x3C })]             // UTF-16 BE BOM
    [InlineData(new byte[] { 0xFF, 0xFE, 0x3C, 0x00 })]             // UTF-16 LE BOM
    [InlineData(new byte[] { 0x00, 0x00, 0xFE, 0xFF })]             // UTF-32 BE BOM
    [InlineData(new byte[] { 0x00, 0x3C, 0x00, 0x3F })]             // UTF-16 BE without BOM
    [InlineData(new byte[] { 0x3C, 0x00, 0x3F, 0x00 })]             // UTF-16 LE without BOM
    [InlineData(new byte[] { 0x3C, 0x00, 0x00, 0x00 })]             // UTF-32 LE without BOM
    public void Utf16_and_utf32_signatures(byte[] start) =>
        AssertFails(StreamErrorCondition.UnsupportedEncoding, [.. start, .. new byte[8]]);

    [Theory]
    [InlineData("<?xml version='1.0' encoding='ISO-8859-1'?>")]
    [InlineData("<?xml version='1.0' encoding='UTF-16'?>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"utf8\"?>")]
    public void Declared_encodings_other_than_utf8(string declaration) =>
        AssertFails(StreamErrorCondition.UnsupportedEncoding, declaration + Root);

    [Theory]
    [InlineData("<?xml version='1.0'?>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")]
    [InlineData("<?xml version='1.0' encoding='utf-8' standalone='yes'?>")]
    [InlineData("\uFEFF<?xml version='1.0'?>")]
    [InlineData("\uFEFF")]
    [InlineData("")]
    [InlineData("<?xml version='1.0'?>\n  ")]
    public void Accepted_prologs(string prolog)
    {
        var events = Read(prolog + Root);
        Assert.Single(events);
    }

    [Fact]
    public void A_second_byte_order_mark_is_text_before_the_header() =>
        AssertFails(StreamErrorCondition.NotWellFormed, "\uFEFF\uFEFF" + Root);

    [Fact]
    public void Valid_multibyte_characters_of_every_length_pass()
    {
        var events = Read(Header + "<message \u00e9t\u00e9='\u0080\u07FF\u0800\uFFFD\U00010000\U0010FFFF'><\u4F60>\uE000\uD7FF</\u4F60></message>");
        var message = events[1].Element!;
        Assert.Equal("\u0080\u07FF\u0800\uFFFD\U00010000\U0010FFFF", message.GetAttribute("\u00e9t\u00e9"));
        Assert.Equal("\uE000\uD7FF", message.ChildText("\u4F60", "jabber:client"));
    }
}
