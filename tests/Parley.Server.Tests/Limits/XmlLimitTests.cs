using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Limits;

/// <summary>
/// Limits:MaxElementsPerStanza, MaxAttributesPerElement, MaxAttributeValueBytes, MaxTextBytes and the
/// namespace declaration limits at their edge over loopback: exactly at the limit is served, one more
/// ends the stream with policy-violation, and another client is served afterwards.
/// </summary>
public sealed class XmlLimitTests
{
    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    // iq, ping, a, b: four elements; a fifth is one too many.
    [InlineData("Limits:MaxElementsPerStanza", "4",
        "<iq type='get' id='edge'><ping xmlns='urn:xmpp:ping'><a/><b/></ping></iq>",
        "<iq type='get' id='over'><ping xmlns='urn:xmpp:ping'><a/><b/><c/></ping></iq>")]
    // Namespace declarations count: four attributes on iq (as on the stream header the login sent), one on ping.
    [InlineData("Limits:MaxAttributesPerElement", "4",
        "<iq type='get' id='edge' to='localhost' x='1'><ping xmlns='urn:xmpp:ping'/></iq>",
        "<iq type='get' id='over' to='localhost' x='1' y='2'><ping xmlns='urn:xmpp:ping'/></iq>")]
    // Counted in UTF-8 bytes after references: 'é' is two bytes, '&amp;' one. The limits apply to every
    // element, the stream header and negotiation included, so the test values leave room for those.
    [InlineData("Limits:MaxAttributeValueBytes", "40",
        "<iq type='get' id='edge' x='01234567890123456789012345678901234567é'><ping xmlns='urn:xmpp:ping'/></iq>",
        "<iq type='get' id='over' x='01234567890123456789012345678901234567&amp;é'><ping xmlns='urn:xmpp:ping'/></iq>")]
    [InlineData("Limits:MaxTextBytes", "40",
        "<iq type='get' id='edge'><ping xmlns='urn:xmpp:ping'>01234567890123456789012345678901234567é</ping></iq>",
        "<iq type='get' id='over'><ping xmlns='urn:xmpp:ping'>01234567890123456789012345678901234567&lt;é</ping></iq>")]
    // Issue 11 item 7: the stream header declares two (xmlns, xmlns:stream); the iq three more, or four.
    [InlineData("Limits:MaxNamespaceDeclarationsPerElement", "3",
        "<iq type='get' id='edge' xmlns:a='urn:a' xmlns:b='urn:b' xmlns:c='urn:c'><ping xmlns='urn:xmpp:ping'/></iq>",
        "<iq type='get' id='over' xmlns:a='urn:a' xmlns:b='urn:b' xmlns:c='urn:c' xmlns:d='urn:d'><ping xmlns='urn:xmpp:ping'/></iq>")]
    // Two on the header, two on iq, one on ping and one on x make six in scope at once.
    [InlineData("Limits:MaxNamespaceDeclarationsInScope", "6",
        "<iq type='get' id='edge' xmlns:a='urn:a' xmlns:b='urn:b'><ping xmlns='urn:xmpp:ping'><x xmlns:c='urn:c'/></ping></iq>",
        "<iq type='get' id='over' xmlns:a='urn:a' xmlns:b='urn:b'><ping xmlns='urn:xmpp:ping'><x xmlns:c='urn:c' xmlns:d='urn:d'/></ping></iq>")]
    public async Task At_the_limit_is_served_one_over_ends_the_stream_and_others_are_still_served(string key, string limit, string atLimit, string overLimit)
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync(("AllowPlaintextAuth", "true"), (key, limit));
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync(atLimit);
            Assert.Equal("edge", (await juliet.ExpectStanzaAsync("iq")).GetAttribute("id"));

            await juliet.SendAsync(overLimit);
            await juliet.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);

            await romeo.SendAsync("<iq type='get' id='after' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            Assert.Equal("after", (await romeo.ExpectStanzaAsync("iq")).GetAttribute("id"));
        }
    }
}
