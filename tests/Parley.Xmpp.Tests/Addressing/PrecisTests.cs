using Parley.Xmpp.Addressing;

namespace Parley.Xmpp.Tests.Addressing;

public sealed class PrecisTests
{
    [Theory]
    [InlineData("juliet", "juliet")]
    [InlineData("JuLiEt", "juliet")]
    [InlineData("\uFF4A\uFF55\uFF4C\uFF49\uFF45\uFF54", "juliet")] // RFC 8265 §3.3.2 width mapping
    [InlineData("\u00C9lo\u00EFse", "\u00E9lo\u00EFse")]
    [InlineData("e\u0301", "\u00E9")] // NFC
    public void Rfc8265_3_3_username_case_mapped(string input, string expected) =>
        Assert.Equal(expected, Precis.PrepareUsername(input));

    [Theory]
    [InlineData("")]
    [InlineData("a b")] // spaces are not IdentifierClass
    [InlineData("a\u0000b")] // controls
    [InlineData("\uFB01x")] // compatibility ligature (HasCompat)
    [InlineData("a\u200Db")] // joiner (format character)
    [InlineData("a&b")] // RFC 7622 §3.3.1 exclusions
    [InlineData("a:b")]
    [InlineData("\uD800")] // lone surrogate
    [InlineData("\uE000")] // private use
    [InlineData("a\uFFFE")] // noncharacter that makes .NET normalization throw (fuzz/regressions/jid)
    [InlineData("\u00E9\uFFFE")]
    public void Rfc8264_4_2_identifier_class_refuses(string input)
    {
        Assert.False(Precis.TryPrepareUsername(input, out _));
        Assert.Throws<FormatException>(() => Precis.PrepareUsername(input));
    }

    [Theory]
    [InlineData("pencil", "pencil")]
    [InlineData("Correct Horse", "Correct Horse")] // OpaqueString keeps case
    [InlineData("a\u3000b", "a b")] // RFC 8265 §4.2.2: non-ASCII space → U+0020
    [InlineData("\u2163", "\u2163")] // FreeformClass allows compatibility characters
    public void Rfc8265_4_2_opaque_string(string input, string expected) =>
        Assert.Equal(expected, Precis.PreparePassword(input));

    [Theory]
    [InlineData("")]
    [InlineData("a\u0007")]
    [InlineData("a\u200Bb")]
    [InlineData("\uFDD0")]
    public void Rfc8264_4_3_freeform_class_refuses(string input) =>
        Assert.False(Precis.TryPrepareResource(input, out _));

    [Fact]
    public void Prepared_ascii_comes_back_as_the_same_instance()
    {
        const string name = "juliet.capulet";

        Assert.Same(name, Precis.PrepareUsername(name));
        Assert.Same(name, Precis.PrepareResource(name));
        Assert.Same(name, Precis.PrepareDomain(name));
    }

    [Fact]
    public void Prepared_ascii_does_not_allocate()
    {
        const string name = "juliet";
        const string domain = "im.example.com";
        Precis.TryPrepareUsername(name, out _);
        Precis.TryPrepareResource(name, out _);
        Precis.TryPrepareDomain(domain, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Precis.TryPrepareUsername(name, out _);
            Precis.TryPrepareResource(name, out _);
            Precis.TryPrepareDomain(domain, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("EXAMPLE.COM.", "example.com")]
    [InlineData("xn--bcher-kva.example", "b\u00FCcher.example")]
    [InlineData("B\u00DCCHER.example", "b\u00FCcher.example")]
    [InlineData("[::1]", "[::1]")]
    public void Rfc7622_3_2_domain(string input, string expected) =>
        Assert.Equal(expected, Precis.PrepareDomain(input));

    [Theory]
    [InlineData(".")]
    [InlineData("a_b.example")]
    [InlineData("-a.example")]
    [InlineData("a..example")]
    [InlineData("[1.2.3.4]")]
    public void Rfc7622_3_2_invalid_domains(string input) =>
        Assert.False(Precis.TryPrepareDomain(input, out _));

    /// <summary>
    /// Found by fuzzing (fuzz/regressions/jid/noncharacter-fffe.txt): a non-ASCII part holding
    /// U+FFFE reached string.IsNormalized, which throws ArgumentException for it, instead of being
    /// refused as the noncharacter RFC 8264 §9.12 disallows.
    /// </summary>
    [Theory]
    [InlineData("\u00E9\uFFFE")]
    [InlineData("a \uFFFE")]
    [InlineData("\uFDD0\u00E9")]
    [InlineData("\U0001FFFF\u00E9")]
    public void Rfc8264_9_12_noncharacters_are_refused_not_thrown(string part)
    {
        Assert.False(Precis.TryPrepareResource(part, out _));
        Assert.False(Precis.TryPreparePassword(part, out _));
        Assert.False(Precis.TryPrepareUsername(part, out _));
        Assert.False(Jid.TryParse("juliet@example.com/" + part, out _));
        Assert.False(Jid.TryCreate(part, "example.com", null, out _));
    }
}
