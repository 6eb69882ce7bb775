using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>
/// Fuzz-style robustness with fixed seeds: damaged input either reads or fails with a stream error,
/// never with another exception, and the verdict does not depend on how the bytes were cut.
/// </summary>
public sealed class MutationTests
{
    private static readonly byte[] Valid = Utf8(
        Header
        + "<message to='a@b/c' xml:lang='en'><body>h\u00e9llo &amp; \u4F60 <![CDATA[x]]></body><x:y xmlns:x='urn:x' x:a='1'/></message>"
        + "<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq> "
        + "</stream:stream>");

    private static readonly byte[] Interesting = Utf8("<>/&;'\"=:![]?-#x \r\n\u00e9\u4F60")
        .Concat(new byte[] { 0x00, 0x80, 0xBF, 0xC0, 0xED, 0xEF, 0xF4, 0xFF })
        .ToArray();

    [Fact]
    public void Damaged_streams_fail_only_with_stream_errors_and_the_same_way_however_cut()
    {
        for (var seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            var bytes = Mutate(random);
            var whole = Outcome(bytes, [bytes]);
            var cut = random.Next(1, bytes.Length);
            Assert.Equal(whole, Outcome(bytes, [bytes[..cut], bytes[cut..]]));
            Assert.Equal(whole, Outcome(bytes, bytes.Select(b => new[] { b }).ToArray()));
        }
    }

    private static byte[] Mutate(Random random)
    {
        var bytes = new List<byte>(Valid);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(bytes.Count);
            var b = Interesting[random.Next(Interesting.Length)];
            switch (random.Next(3))
            {
                case 0: bytes[at] = b; break;
                case 1: bytes.Insert(at, b); break;
                default: bytes.RemoveAt(at); break;
            }
        }

        return [.. bytes];
    }

    private static string Outcome(byte[] all, byte[][] chunks)
    {
        try
        {
            return string.Join("\n", Render(Feed(new XmppStreamReader(), chunks)));
        }
        catch (StreamErrorException ex)
        {
            return "error " + ex.Condition;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{ex.GetType().Name} on {Convert.ToHexString(all)}: {ex}");
            throw;
        }
    }
}
