using Parley.Xmpp.Addressing;

namespace Parley.Xmpp.Tests.Addressing;

public sealed class JidTests
{
    // RFC 7622 §3.5.1: examples of valid JIDs, with the parts they prepare to.
    [Theory]
    [InlineData("juliet@example.com", "juliet", "example.com", null)]
    [InlineData("juliet@example.com/foo", "juliet", "example.com", "foo")]
    [InlineData("juliet@example.com/foo bar", "juliet", "example.com", "foo bar")]
    [InlineData("juliet@example.com/foo@bar", "juliet", "example.com", "foo@bar")]
    [InlineData("foo\\20bar@example.com", "foo\\20bar", "example.com", null)]
    [InlineData("fussball@example.com", "fussball", "example.com", null)]
    [InlineData("fu\u00DFball@example.com", "fu\u00DFball", "example.com", null)]
    [InlineData("\u03C0@example.com", "\u03C0", "example.com", null)]
    [InlineData("\u03A3@example.com/foo", "\u03C3", "example.com", "foo")]
    [InlineData("\u03C3@example.com/foo", "\u03C3", "example.com", "foo")]
    [InlineData("\u03C2@example.com/foo", "\u03C2", "example.com", "foo")]
    [InlineData("king@example.com/\u265A", "king", "example.com", "\u265A")]
    [InlineData("example.com", null, "example.com", null)]
    [InlineData("example.com/foobar", null, "example.com", "foobar")]
    [InlineData("a.example.com/b@example.net", null, "a.example.com", "b@example.net")]
    [InlineData("juliet@example.com/a/b@c", "juliet", "example.com", "a/b@c")] // RFC 7622 §3.1: first '/' splits
    public void Rfc7622_3_5_1_valid_examples_parse(string text, string? local, string domain, string? resource)
    {
        var jid = Jid.Parse(text);

        Assert.Equal(local, jid.Local);
        Assert.Equal(domain, jid.Domain);
        Assert.Equal(resource, jid.Resource);
        Assert.Equal(resource is null, jid.IsBare);
    }

    // RFC 7622 §3.5.2: examples of invalid JIDs.
    [Theory]
    [InlineData("\"juliet\"@example.com")]
    [InlineData("foo bar@example.com")]
    [InlineData("juliet@example.com/")]
    [InlineData("@example.com/")]
    [InlineData("henry\u2163@example.com")]
    [InlineData("\u265A@example.com")]
    [InlineData("juliet@")]
    [InlineData("/foobar")]
    // Further empty or malformed parts (RFC 7622 §3.1, §3.2).
    [InlineData("")]
    [InlineData("@example.com")]
    [InlineData("juliet@example.com..")]
    [InlineData("juliet@exa mple.com")]
    [InlineData("juliet@-example.com")]
    [InlineData("juliet@example..com")]
    [InlineData("jul<iet@example.com")]
    [InlineData("juliet@example.com/\u0007")]
    [InlineData("juliet@[::1")]
    [InlineData("juliet@[example.com]")]
    public void Rfc7622_3_5_2_invalid_examples_are_refused(string text)
    {
        Assert.False(Jid.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Jid.Parse(text));
    }

    [Fact]
    public void Rfc7622_3_3_case_and_width_map_to_the_same_localpart()
    {
        var fullwidth = Jid.Parse("\uFF2A\uFF35\uFF2C\uFF29\uFF25\uFF34@example.com");
        var upper = Jid.Parse("JULIET@example.com");
        var plain = Jid.Parse("juliet@example.com");

        Assert.Equal(plain, fullwidth);
        Assert.Equal(plain, upper);
        Assert.Equal(plain.GetHashCode(), fullwidth.GetHashCode());
        Assert.Equal("juliet@example.com", fullwidth.ToString());
    }

    [Fact]
    public void Rfc7622_3_2_domain_is_lowercased_and_loses_one_trailing_dot()
    {
        Assert.Equal(Jid.Parse("juliet@example.com"), Jid.Parse("juliet@EXAMPLE.com."));
        Assert.Equal("example.com", Jid.Parse("EXAMPLE.com.").ToString());
    }

    [Fact]
    public void Rfc7622_3_2_a_label_and_u_label_forms_are_equal()
    {
        var aLabel = Jid.Parse("juliet@xn--caf-dma.example");
        var uLabel = Jid.Parse("juliet@caf\u00E9.example");
        var upperU = Jid.Parse("juliet@CAF\u00C9.example");

        Assert.Equal("caf\u00E9.example", aLabel.Domain);
        Assert.Equal(uLabel, aLabel);
        Assert.Equal(uLabel, upperU);
    }

    [Theory]
    [InlineData("juliet@[2001:db8::1]/r", "[2001:db8::1]")]
    [InlineData("juliet@[2001:DB8::A]", "[2001:db8::a]")]
    [InlineData("juliet@192.0.2.1", "192.0.2.1")]
    public void Rfc7622_3_2_ip_literals_are_kept(string text, string domain) =>
        Assert.Equal(domain, Jid.Parse(text).Domain);

    [Fact]
    public void Rfc7622_3_4_resource_is_case_sensitive_and_maps_non_ascii_spaces()
    {
        Assert.NotEqual(Jid.Parse("juliet@example.com/Balcony"), Jid.Parse("juliet@example.com/balcony"));
        Assert.Equal("foo bar", Jid.Parse("juliet@example.com/foo\u00A0bar").Resource);
    }

    [Fact]
    public void Rfc7622_3_1_each_part_may_be_1023_bytes_but_not_more()
    {
        var local1023 = new string('a', 1023);
        var resource1023 = new string('r', 1023);
        // Labels of 63 characters: 16 of them and their dots make 1023 characters exactly.
        var domain1023 = string.Join('.', Enumerable.Repeat(new string('d', 63), 16));
        Assert.Equal(1023, domain1023.Length);

        var jid = Jid.Parse($"{local1023}@{domain1023}/{resource1023}");
        Assert.Equal(local1023, jid.Local);
        Assert.Equal(domain1023, jid.Domain);
        Assert.Equal(resource1023, jid.Resource);

        Assert.False(Jid.TryParse($"{local1023}a@example.com", out _));
        Assert.False(Jid.TryParse($"juliet@example.com/{resource1023}r", out _));
        Assert.False(Jid.TryParse($"juliet@{domain1023}d", out _));
        Assert.False(Jid.TryParse($"juliet@{new string('d', 64)}.com", out _));
    }

    [Fact]
    public void Rfc7622_3_1_byte_limit_counts_utf8_not_characters()
    {
        // U+00E9 is two bytes in UTF-8: 511 of them plus one ASCII letter is exactly 1023 bytes.
        var edge = new string('\u00E9', 511) + "a";
        Assert.True(Jid.TryParse(edge + "@example.com", out _));
        Assert.False(Jid.TryParse(edge + "b@example.com", out _));
        Assert.True(Jid.TryParse("juliet@example.com/" + edge, out _));
        Assert.False(Jid.TryParse("juliet@example.com/" + edge + "b", out _));
    }

    [Fact]
    public void Bare_and_WithResource_keep_prepared_parts()
    {
        var full = Jid.Parse("Juliet@Example.com/balcony");
        var bare = full.Bare;

        Assert.True(bare.IsBare);
        Assert.Equal("juliet@example.com", bare.ToString());
        Assert.Same(bare, bare.Bare);
        Assert.Equal(full, bare.WithResource("balcony"));
        Assert.Equal(bare, full.WithResource(null));
        Assert.Throws<FormatException>(() => bare.WithResource(""));
        Assert.Equal("juliet@example.com/balcony", full.ToString());
    }

    [Fact]
    public void Create_prepares_each_part_and_refuses_empty_ones()
    {
        Assert.Equal(Jid.Parse("juliet@example.com/r"), Jid.Create("JULIET", "Example.COM", "r"));
        Assert.Equal(Jid.Parse("example.com"), Jid.Create(null, "example.com"));
        Assert.Throws<FormatException>(() => Jid.Create("", "example.com"));
        Assert.Throws<FormatException>(() => Jid.Create("juliet", ""));
        Assert.Throws<FormatException>(() => Jid.Create("a@b", "example.com"));
    }

    [Fact]
    public void Prepared_ascii_input_keeps_its_string()
    {
        const string text = "juliet@example.com/balcony";

        Assert.Same(text, Jid.Parse(text).ToString());
    }

    [Fact]
    public void Equality_distinguishes_every_part()
    {
        var jid = Jid.Parse("a@b.example/c");

        Assert.NotEqual(jid, Jid.Parse("x@b.example/c"));
        Assert.NotEqual(jid, Jid.Parse("a@x.example/c"));
        Assert.NotEqual(jid, Jid.Parse("a@b.example/x"));
        Assert.NotEqual(jid, Jid.Parse("b.example/c"));
        Assert.True(jid == Jid.Parse("A@B.example/c"));
        Assert.True(jid != null);
    }
}
