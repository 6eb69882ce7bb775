using System.Buffers;

namespace Parley.Xmpp.Xml;

/// <summary>Serializes elements as UTF-8 XML, escaping so that output never holds what input may not.</summary>
public static class ElementWriter
{
    /// <summary>
    /// Writes <paramref name="element"/>. <paramref name="contextNamespace"/> is the default namespace in
    /// scope where it is written (the stream's, for stanzas), so that no redundant xmlns is emitted.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, Element element, string? contextNamespace = null) => throw new NotImplementedException();

    /// <summary>The opening stream tag (RFC 6120 §4.7), with the streams prefix and the given default namespace.</summary>
    public static void WriteStreamHeader(IBufferWriter<byte> output, string defaultNamespace, IEnumerable<XmlAttribute> attributes) => throw new NotImplementedException();

    public static string ToXml(Element element, string? contextNamespace = null) => throw new NotImplementedException();
}
