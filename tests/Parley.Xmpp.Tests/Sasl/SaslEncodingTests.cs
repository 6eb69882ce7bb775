using Parley.Xmpp.Sasl;

namespace Parley.Xmpp.Tests.Sasl;

public sealed class SaslEncodingTests
{
    [Theory]
    [InlineData("=", new byte[0])]
    [InlineData("", new byte[0])]
    [InlineData("AA==", new byte[] { 0 })]
    [InlineData("biws", new byte[] { 0x6E, 0x2C, 0x2C })]
    public void Rfc6120_6_4_2_decodes(string text, byte[] expected)
    {
        Assert.True(SaslEncoding.TryDecode(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("biw")]
    [InlineData("bi ws")]
    [InlineData("biws\n")]
    [InlineData("b!ws")]
    [InlineData("A===")]
    [InlineData("==")]
    public void Rfc6120_6_5_2_malformed_base64_is_refused(string text) =>
        Assert.False(SaslEncoding.TryDecode(text, out _));

    /// <summary>
    /// Found by fuzzing (fuzz/regressions/sasl/base64-nonzero-pad-bits.txt): the decoder ignored
    /// the unused bits of the last character, so "QR==" was read as "QQ==" is. RFC 4648 §3.5 lets a
    /// decoder refuse such text; refusing it keeps one text per message, as the doc promises.
    /// </summary>
    [Theory]
    [InlineData("QR==", "QQ==")]
    [InlineData("QUJ=", "QUI=")]
    [InlineData("biwsQf==", "biwsQQ==")]
    public void Rfc4648_3_5_nonzero_pad_bits_are_refused(string text, string canonical)
    {
        Assert.False(SaslEncoding.TryDecode(text, out _));
        Assert.True(SaslEncoding.TryDecode(canonical, out var bytes));
        Assert.Equal(canonical, SaslEncoding.Encode(bytes));
    }

    [Fact]
    public void Empty_data_encodes_as_equals_sign()
    {
        Assert.Equal("=", SaslEncoding.Encode([]));
        Assert.Equal("biws", SaslEncoding.Encode("n,,"u8));
    }

    [Fact]
    public void FromPassword_derives_every_hash_from_the_prepared_password()
    {
        var credentials = ScramCredentials.FromPassword("pass\u3000word", 4096);

        Assert.Equal([ScramHash.Sha1, ScramHash.Sha256], credentials.Select(c => c.Hash));
        foreach (var credential in credentials)
        {
            // The ideographic space was mapped to U+0020 before derivation (RFC 8265 §4.2.2).
            var expected = ScramCredential.Derive(credential.Hash, "pass word", credential.Salt, 4096);
            Assert.Equal(expected.StoredKey, credential.StoredKey);
            Assert.Equal(4096, credential.Iterations);
        }

        Assert.Throws<FormatException>(() => ScramCredentials.FromPassword(""));
    }
}
