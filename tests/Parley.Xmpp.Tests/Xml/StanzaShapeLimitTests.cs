using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>
/// The limits on a stanza's shape (elements, attribute values, text), beside its size and depth: at the
/// limit passes, one past fails with &lt;policy-violation/&gt;, and the count starts again with each stanza.
/// </summary>
public sealed class StanzaShapeLimitTests
{
    private const string ShortHeader = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    [Fact]
    public void Elements_per_stanza()
    {
        var limits = new XmlLimits { MaxElements = 4 };
        const string AtLimit = "<message><a/><b><c/></b></message>";
        Assert.Equal(3, Read(ShortHeader + AtLimit + AtLimit, limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + "<message><a/><b><c/></b><d/></message>", limits);
    }

    [Fact]
    public void Attribute_value_bytes_after_references()
    {
        // 40 leaves room for the header's own namespace values (32 bytes): the limit applies to every element.
        var limits = new XmlLimits { MaxAttributeValueBytes = 40 };
        Assert.Equal(2, Read(ShortHeader + $"<message id='{new string('a', 37)}&amp;\u00e9'/>", limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + $"<message id='{new string('a', 38)}&amp;\u00e9'/>", limits);
    }

    [Fact]
    public void Text_bytes_per_run()
    {
        var limits = new XmlLimits { MaxTextBytes = 8 };
        // Two runs of eight bytes around a child are each within the limit.
        Assert.Equal(2, Read(ShortHeader + "<message>abcde&lt;\u00e9<b/>12345678</message>", limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + "<message><body>abcdef&lt;\u00e9</body></message>", limits);
    }

    [Fact]
    public void Namespace_declarations_per_element()
    {
        var limits = new XmlLimits { MaxNamespaceDeclarations = 3 };
        Assert.Equal(2, Read(ShortHeader + "<message xmlns:a='urn:a' xmlns:b='urn:b' xmlns='urn:c'/>", limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + "<message xmlns:a='urn:a' xmlns:b='urn:b' xmlns:c='urn:c' xmlns='urn:d'/>", limits);
    }

    [Fact]
    public void Namespace_declarations_in_scope_count_every_open_element_and_end_with_it()
    {
        // The header's two, then three levels of two: eight in scope at the innermost element.
        var limits = new XmlLimits { MaxNamespaceDeclarationsInScope = 8 };
        const string Nested = "<message xmlns:a='urn:a' xmlns:b='urn:b'><x xmlns:c='urn:c' xmlns:d='urn:d'><y xmlns:e='urn:e' xmlns:f='urn:f'/></x>"
            + "<z xmlns:g='urn:g' xmlns:h='urn:h'><w xmlns:i='urn:i' xmlns:j='urn:j'/></z></message>";
        Assert.Equal(3, Read(ShortHeader + Nested + Nested, limits).Count);
        AssertFails(StreamErrorCondition.PolicyViolation, ShortHeader + "<message xmlns:a='urn:a' xmlns:b='urn:b'><x xmlns:c='urn:c' xmlns:d='urn:d'><y xmlns:e='urn:e' xmlns:f='urn:f' xmlns:g='urn:g'/></x></message>", limits);
    }

    /// <summary>
    /// Issue 11 item 7's case: 31 levels each declaring the same 64 prefixes, with prefixed attributes.
    /// Within raised limits every name resolves to its innermost binding, and a binding hidden by an
    /// inner element is back once that element ends; with the default limits it is policy-violation.
    /// </summary>
    [Fact]
    public void Thirty_one_levels_of_sixty_four_declarations_resolve_innermost_or_exceed_the_default_limits()
    {
        const int Levels = 31;
        const int Prefixes = 64;
        var xml = new System.Text.StringBuilder(ShortHeader);
        for (var level = 0; level < Levels; level++)
        {
            xml.Append(level == 0 ? "<message" : "<p0:e");
            for (var k = 0; k < Prefixes; k++)
            {
                xml.Append(System.Globalization.CultureInfo.InvariantCulture, $" xmlns:p{k}='urn:{level}:{k}'");
            }

            xml.Append(System.Globalization.CultureInfo.InvariantCulture, $" p{level}:a='{level}'>");
        }

        for (var level = Levels - 1; level > 0; level--)
        {
            // After the inner element ends, p0 is the enclosing level's binding again.
            xml.Append(System.Globalization.CultureInfo.InvariantCulture, $"</p0:e><p0:s p63:b='{level - 1}'/>");
        }

        xml.Append("</message>");

        var raised = new XmlLimits { MaxAttributes = Prefixes + 1, MaxNamespaceDeclarations = Prefixes, MaxNamespaceDeclarationsInScope = (Levels * Prefixes) + 2 };
        var element = Read(xml.ToString(), raised)[1].Element!;
        for (var level = 0; level < Levels; level++)
        {
            // A declaration applies to its own element's name too (Namespaces in XML §6.1).
            Assert.Equal(level == 0 ? Namespaces.Client : $"urn:{level}:0", element.Namespace);
            Assert.Equal(level.ToString(System.Globalization.CultureInfo.InvariantCulture), element.GetAttribute("a", $"urn:{level}:{level}"));
            var sibling = element.Children().LastOrDefault(c => c.Name == "s");
            if (level < Levels - 1)
            {
                Assert.Equal($"urn:{level}:0", sibling!.Namespace);
                Assert.Equal(level.ToString(System.Globalization.CultureInfo.InvariantCulture), sibling.GetAttribute("b", $"urn:{level}:63"));
                element = element.Children().First(c => c.Name == "e");
            }
        }

        AssertFails(StreamErrorCondition.PolicyViolation, xml.ToString(), raised with { MaxNamespaceDeclarations = Prefixes - 1 });
        AssertFails(StreamErrorCondition.PolicyViolation, xml.ToString(), raised with { MaxNamespaceDeclarationsInScope = (Levels * Prefixes) + 1 });
        AssertFails(StreamErrorCondition.PolicyViolation, xml.ToString(), new XmlLimits { MaxAttributes = Prefixes + 1 });
    }

    [Fact]
    public void Zero_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxElements = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxAttributeValueBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxTextBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxNamespaceDeclarations = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new XmppStreamReader(new XmlLimits { MaxNamespaceDeclarationsInScope = 0 }));
    }
}
