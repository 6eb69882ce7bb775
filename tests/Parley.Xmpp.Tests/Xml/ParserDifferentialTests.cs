using System.Text;
using System.Xml;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>
/// Issue #5 "stanza smuggling": a differential property test of <see cref="XmppStreamReader"/>
/// against System.Xml's strict reader (DtdProcessing.Prohibit, CheckCharacters). Seeded random
/// stanzas, written by hand as text with prefixes, escapes, CDATA, character references, odd
/// whitespace and non-ASCII, some with one fault planted, go to both readers inside the same stream
/// wrapper. Whatever Parley accepts, System.Xml must accept as the same tree, and must read
/// Parley's re-serialization as that tree too, so no peer behind Parley sees a different stanza
/// than Parley routed. Whatever System.Xml rejects, Parley rejects.
/// The intentional differences are RFC 6120 §11.1's: Parley refuses comments and processing
/// instructions (restricted-xml), which System.Xml accepts, and answers a reference to an undeclared
/// entity with restricted-xml where System.Xml reports it as not well-formed; the generator marks those cases.
/// </summary>
public sealed class ParserDifferentialTests
{
    private const int Cases = 5000;
    private const string Open = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
    private const string Close = "</stream:stream>";

    [Fact]
    public void Parley_and_system_xml_agree_on_generated_stanzas()
    {
        var accepted = 0;
        var rejected = 0;
        for (var seed = 0; seed < Cases; seed++)
        {
            var generator = new StanzaGenerator(new Random(seed));
            var stanza = generator.Stanza();
            var document = Open + stanza + Close;
            var parley = ReadWithParley(document, out var condition);
            var strict = TryReadWithSystemXml(document, out var strictTree, out var restricted);

            if (parley is not null)
            {
                accepted++;
                Assert.True(strict, $"seed {seed}: Parley accepted what System.Xml rejects: {stanza}");
                Assert.False(restricted, $"seed {seed}: Parley accepted restricted markup: {stanza}");
                var expected = Dump(parley);
                Assert.True(expected == Dump(strictTree!), $"seed {seed}: the readers disagree on {stanza}\nParley:     {expected}\nSystem.Xml: {Dump(strictTree!)}");

                // What Parley would send on: System.Xml must see the same tree in it.
                var written = ElementWriter.ToXml(parley, Namespaces.Client);
                Assert.True(TryReadWithSystemXml(Open + written + Close, out var rewritten, out _), $"seed {seed}: System.Xml rejects Parley's output {written}");
                Assert.True(expected == Dump(rewritten!), $"seed {seed}: re-serialized {written} reads as {Dump(rewritten!)}");
                continue;
            }

            rejected++;
            if (condition == StreamErrorCondition.RestrictedXml)
            {
                // The intentional difference: System.Xml may accept these, and Parley must refuse them.
                Assert.True(generator.Restricted, $"seed {seed}: restricted-xml for a stanza without restricted markup: {stanza}");
                continue;
            }

            Assert.False(strict && !restricted, $"seed {seed}: Parley refused ({condition?.ToString() ?? "incomplete"}) what System.Xml accepts: {stanza}");
        }

        // The generator must exercise both sides of the property.
        Assert.InRange(accepted, Cases / 4, Cases);
        Assert.InRange(rejected, Cases / 10, Cases);
    }

    /// <summary>The stanza Parley reads, or null with the condition it raised (null when it was still waiting for bytes).</summary>
    private static Element? ReadWithParley(string document, out StreamErrorCondition? condition)
    {
        condition = null;
        try
        {
            var events = Feed(new XmppStreamReader(), Encoding.UTF8.GetBytes(document));
            return events is [{ Kind: XmlStreamEventKind.StreamOpened }, { Kind: XmlStreamEventKind.Element } stanza, { Kind: XmlStreamEventKind.StreamClosed }] ? stanza.Element : null;
        }
        catch (StreamErrorException e)
        {
            condition = e.Condition;
            return null;
        }
    }

    /// <summary>System.Xml's verdict; <paramref name="restricted"/> when it accepted markup XMPP forbids (comments, PIs).</summary>
    private static bool TryReadWithSystemXml(string document, out Element? stanza, out bool restricted)
    {
        stanza = null;
        restricted = false;
        try
        {
            stanza = ReadWithSystemXml(document).FirstElement;
            return stanza is not null;
        }
        catch (XmlException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // ReadWithSystemXml refuses node types with no place in a stanza: comments and processing instructions.
            restricted = true;
            return true;
        }
    }

    /// <summary>Writes one stanza as text, choosing every lexical form XML allows, and sometimes one it does not.</summary>
    private sealed class StanzaGenerator(Random random)
    {
        private static readonly string[] Names = ["message", "body", "x", "item", "a-b", "c.d", "_e", "f1", "D\u00e9j\u00e0", "\u4F60\u597D", "\u0394\u03B5"];
        private static readonly string[] Prefixes = ["p", "q", "ns1", "\u00e9", "stream"];
        private static readonly string[] Uris = ["urn:x", "urn:y:z", "jabber:client", "http://example.com/?a=1&amp;b=2", "urn:\u00e9", "http://etherx.jabber.org/streams"];
        private static readonly string[] Whitespace = [" ", "  ", "\t", "\n", "\r\n", "\r"];
        private static readonly string[] TextPieces =
        [
            "plain", " ", "a b", "\u00e9", "\u4F60", "\U0001F600", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#65;", "&#x1F600;", "&#xA;",
            "&#13;", "\r\n", "\r", "\n", "\t", "]]", ">", "]>", "<![CDATA[<not a tag> & ]]>", "<![CDATA[]]>", "\"", "'",
        ];

        /// <summary>Faults that make a stanza not well-formed or not namespace-well-formed in XML 1.0.</summary>
        private static readonly string[] TextFaults = ["&unknown;", "&#0;", "&#xD800;", "&#xFFFE;", "&#x110000;", "&#;", "&#x;", "& ", "\u0001", "\uFFFE", "]]>", "<", "<!x>", "<![CDATA[x]]"];

        private int _faultBudget = random.Next(3) == 0 ? 1 : 0;

        /// <summary>True when a comment, processing instruction or entity reference was written (RFC 6120 §11.1 restricted XML).</summary>
        public bool Restricted { get; private set; }

        public string Stanza()
        {
            var sb = new StringBuilder();
            Element(sb, depth: 0, prefixesInScope: []);
            return sb.ToString();
        }

        private void Element(StringBuilder sb, int depth, List<string> prefixesInScope)
        {
            var inScope = new List<string>(prefixesInScope);
            var declarations = new List<string>();
            if (random.Next(3) == 0)
            {
                var prefix = Pick(Prefixes);
                declarations.Add($"xmlns:{prefix}={Quoted(Pick(Uris))}");
                inScope.Add(prefix);
            }

            if (random.Next(4) == 0)
            {
                declarations.Add($"xmlns={Quoted(random.Next(5) == 0 ? "" : Pick(Uris))}");
            }

            if (Fault())
            {
                declarations.Add(random.Next(3) switch
                {
                    0 => "xmlns:xml='urn:evil'",
                    1 => "xmlns:xmlns='urn:evil'",
                    _ => "xmlns:p=''",
                });
            }

            var name = QualifiedName(inScope);
            sb.Append('<').Append(name);
            var attributes = new List<string>();
            var attributeCount = random.Next(4);
            for (var i = 0; i < attributeCount; i++)
            {
                attributes.Add($"{AttributeName(inScope)}{Space(0)}={Space(0)}{Quoted(AttributeValue())}");
            }

            if (Fault() && attributes.Count > 0)
            {
                attributes.Add(attributes[0]); // a duplicate attribute
            }

            foreach (var item in declarations.Concat(attributes).OrderBy(_ => random.Next()))
            {
                sb.Append(Space(1)).Append(item);
            }

            sb.Append(Space(0));
            var children = depth >= 3 ? 0 : random.Next(5);
            if (children == 0 && random.Next(2) == 0)
            {
                sb.Append("/>");
                return;
            }

            sb.Append('>');
            for (var i = 0; i < children; i++)
            {
                switch (random.Next(10))
                {
                    case < 5:
                        sb.Append(Text());
                        break;
                    case < 9:
                        Element(sb, depth + 1, inScope);
                        break;
                    default:
                        if (random.Next(8) == 0)
                        {
                            Restricted = true;
                            sb.Append(random.Next(2) == 0 ? "<!-- note -->" : "<?target data?>");
                        }

                        break;
                }
            }

            sb.Append("</").Append(Fault() ? name + "x" : name).Append(Space(0)).Append('>');
        }

        private string QualifiedName(List<string> inScope)
        {
            if (Fault())
            {
                return random.Next(2) == 0 ? "undeclared:" + Pick(Names) : "1" + Pick(Names);
            }

            return inScope.Count > 0 && random.Next(2) == 0 ? Pick(inScope) + ":" + Pick(Names) : Pick(Names);
        }

        private string AttributeName(List<string> inScope)
        {
            if (Fault())
            {
                return "undeclared:" + Pick(Names);
            }

            return random.Next(6) switch
            {
                0 => "xml:lang",
                1 when inScope.Count > 0 => Pick(inScope) + ":" + Pick(Names),
                _ => Pick(Names),
            };
        }

        private string AttributeValue()
        {
            var sb = new StringBuilder();
            var parts = random.Next(4);
            for (var i = 0; i < parts; i++)
            {
                var piece = Pick(TextPieces);
                // CDATA sections and '<' have no place in an attribute value; the quote characters are handled by Quoted.
                sb.Append(piece.StartsWith("<![CDATA[", StringComparison.Ordinal) ? "&lt;" : piece);
            }

            if (Fault())
            {
                sb.Append(random.Next(2) == 0 ? "<" : TextFault());
            }

            return sb.ToString();
        }

        private string Text()
        {
            var sb = new StringBuilder();
            var parts = 1 + random.Next(4);
            for (var i = 0; i < parts; i++)
            {
                sb.Append(Pick(TextPieces));
            }

            if (Fault())
            {
                sb.Append(TextFault());
            }

            return sb.ToString();
        }

        /// <summary>A fault for character data; a reference to an undeclared entity is restricted XML to Parley (RFC 6120 §11.1).</summary>
        private string TextFault()
        {
            var fault = Pick(TextFaults);
            Restricted |= fault == "&unknown;";
            return fault;
        }

        /// <summary>A value in quotes, escaping the quote character it uses (or, as a fault, not).</summary>
        private string Quoted(string value)
        {
            var quote = random.Next(2) == 0 ? '\'' : '"';
            var escaped = value.Replace(quote.ToString(), quote == '\'' ? "&apos;" : "&quot;", StringComparison.Ordinal);
            if (Fault())
            {
                escaped += quote;
            }

            return quote + escaped + quote;
        }

        private string Space(int minimum) => minimum == 0 && random.Next(3) != 0 ? "" : Pick(Whitespace);

        /// <summary>True at most once per stanza, for a third of the stanzas: where to plant a fault.</summary>
        private bool Fault()
        {
            if (_faultBudget == 0 || random.Next(12) != 0)
            {
                return false;
            }

            _faultBudget--;
            return true;
        }

        private T Pick<T>(IReadOnlyList<T> pool) => pool[random.Next(pool.Count)];
    }
}
