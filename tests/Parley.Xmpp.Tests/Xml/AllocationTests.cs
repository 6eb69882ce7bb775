using System.Buffers;
using Parley.Xmpp.Xml;
using static Parley.Xmpp.Tests.Xml.XmlTestSupport;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>The reader allocates the resulting tree and its strings, and nothing per byte or per keepalive.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Keepalives_allocate_nothing()
    {
        var reader = Opened();
        var keepalive = new ReadOnlySequence<byte>(Utf8(" \n"));
        Drain(reader, keepalive);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Drain(reader, keepalive);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_stanza_allocates_its_tree_and_only_new_strings()
    {
        var reader = Opened();
        var stanza = new ReadOnlySequence<byte>(Utf8("<presence type='unavailable' xml:lang='en'><show>away</show></presence>"));
        Drain(reader, stanza);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Drain(reader, stanza);
        }

        // Two elements, an attribute list, two node lists, one text node and the string "away":
        // names, namespaces and the attribute values are interned.
        var perStanza = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.InRange(perStanza, 1, 600);
    }

    private static XmppStreamReader Opened()
    {
        var reader = new XmppStreamReader();
        Assert.Single(Feed(reader, Utf8(Header)));
        return reader;
    }

    private static void Drain(XmppStreamReader reader, ReadOnlySequence<byte> buffer)
    {
        while (reader.TryRead(ref buffer, out _))
        {
        }
    }
}
