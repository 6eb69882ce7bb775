using System.Buffers;
using System.Text;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>Property: any tree written by ElementWriter reads back as the same tree, by XmppStreamReader and by System.Xml.</summary>
public sealed class RoundTripTests
{
    private static readonly string[] Names = ["message", "body", "x", "item", "a-b", "c.d", "_e", "\u00e9t\u00e9", "\u4F60\u597D", "f1", "Data"];
    private static readonly string[] NamespacePool = ["", Namespaces.Client, "urn:x", "urn:y:z", "http://example.com/a?b&c='d'", "urn:\u00e9"];
    private static readonly string[] TextPool =
    [
        "plain", " ", "\n", "\t", "\r\n", "\r", "&", "<", ">", "]]>", "\"", "'", "\u00e9", "\u4F60", "\U0001F600", "\uFFFD", "&amp;", "<![CDATA[", "a b  c",
    ];

    [Fact]
    public void Random_trees_survive_both_readers()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var tree = Tree(random, 0);
            var expected = Dump(tree);

            var context = random.Next(2) == 0 ? Namespaces.Client : Namespaces.Server;
            Assert.True(expected == Dump(ReadBack(tree, context)), $"XmppStreamReader, seed {seed}: {ElementWriter.ToXml(tree, context)}");
            Assert.True(expected == Dump(ReadWithSystemXml(ElementWriter.ToXml(tree))), $"System.Xml, seed {seed}: {ElementWriter.ToXml(tree)}");
        }
    }

    [Fact]
    public void Forbidden_characters_read_back_as_replacement_characters()
    {
        var tree = new Element("body", Namespaces.Client).SetAttribute("a", "\u0001\uD800");
        tree.AddText("x\uFFFEy\uDC00");
        var back = ReadBack(tree, Namespaces.Client);
        Assert.Equal("\uFFFD\uFFFD", back.GetAttribute("a"));
        Assert.Equal("x\uFFFDy\uFFFD", back.Text);
    }

    private static Element ReadBack(Element tree, string context)
    {
        var output = new ArrayBufferWriter<byte>();
        ElementWriter.WriteStreamHeader(output, context, []);
        ElementWriter.Write(output, tree, context);
        output.Write("</stream:stream>"u8);
        var events = Feed(new XmppStreamReader(), output.WrittenSpan.ToArray());
        Assert.Equal(3, events.Count);
        return events[1].Element!;
    }

    private static Element Tree(Random random, int depth)
    {
        var e = new Element(Pick(random, Names), Pick(random, NamespacePool));
        var attributes = random.Next(4);
        for (var i = 0; i < attributes; i++)
        {
            var ns = random.Next(4) switch
            {
                0 => Pick(random, NamespacePool) is { Length: > 0 } n ? n : null,
                1 => Namespaces.Xml,
                _ => null,
            };
            e.SetAttribute(ns == Namespaces.Xml ? "lang" : Pick(random, Names), Text(random), ns);
        }

        var children = depth >= 4 ? 0 : random.Next(5);
        for (var i = 0; i < children; i++)
        {
            if (random.Next(2) == 0)
            {
                e.AddText(Text(random));
            }
            else
            {
                e.Add(Tree(random, depth + 1));
            }
        }

        return e;
    }

    private static string Text(Random random)
    {
        var sb = new StringBuilder();
        var parts = random.Next(5);
        for (var i = 0; i < parts; i++)
        {
            sb.Append(Pick(random, TextPool));
        }

        return sb.ToString();
    }

    private static string Pick(Random random, string[] pool) => pool[random.Next(pool.Length)];
}
