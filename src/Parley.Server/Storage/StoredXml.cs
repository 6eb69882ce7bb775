using System.Buffers;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Storage;

/// <summary>
/// Elements kept in the database as the XML text <see cref="ElementWriter"/> writes, and read back
/// with the stream's own parser, so stored data goes through the same limits and the same
/// no-DTD, no-entity rules as anything a client sends.
/// </summary>
internal static class StoredXml
{
    // A stream root without a default namespace: the stored root always declares its own, so it reads back unchanged.
    private static readonly byte[] Root = Encoding.UTF8.GetBytes($"<stream:stream xmlns:stream='{Namespaces.Streams}'>");

    public static string Write(Element element) => ElementWriter.ToXml(element);

    /// <summary>The UTF-8 length, the size the storage limits count.</summary>
    public static int Size(string xml) => Encoding.UTF8.GetByteCount(xml);

    public static Element Read(string xml)
    {
        var bytes = new byte[Root.Length + Size(xml)];
        Root.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(xml, bytes.AsSpan(Root.Length));
        var reader = new XmppStreamReader(new XmlLimits { MaxStanzaBytes = Math.Max(bytes.Length, XmlLimits.Default.MaxStanzaBytes) });
        var sequence = new ReadOnlySequence<byte>(bytes);
        if (reader.TryRead(ref sequence, out var opened) && opened.Kind == XmlStreamEventKind.StreamOpened
            && reader.TryRead(ref sequence, out var read) && read is { Kind: XmlStreamEventKind.Element, Element: { } element }
            && sequence.IsEmpty)
        {
            return element;
        }

        throw new InvalidDataException("Stored XML is not one complete element.");
    }
}
