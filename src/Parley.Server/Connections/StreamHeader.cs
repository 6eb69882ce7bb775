using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// The peer's stream header as every role reads it (client, server in and out, component), whatever
/// framing carried it: the RFC 6120 §4.7 attributes and the stream's content namespace. Checked once,
/// by the connection (<see cref="Check"/>), before the role sees it.
/// </summary>
internal sealed class StreamHeader
{
    private StreamHeader(bool isStream, string? contentNamespace, Element element)
    {
        IsStream = isStream;
        ContentNamespace = contentNamespace;
        To = element.GetAttribute("to");
        From = element.GetAttribute("from");
        Id = element.GetAttribute("id");
        Version = element.GetAttribute("version");
        Lang = element.Lang;
    }

    /// <summary>The opening element was the stream's own (stream:stream in the streams namespace, RFC 6120 §4.8.1).</summary>
    public bool IsStream { get; }

    /// <summary>The stream's default namespace (RFC 6120 §4.8.2): jabber:client, jabber:server, jabber:component:accept.</summary>
    public string? ContentNamespace { get; }

    public string? To { get; }

    public string? From { get; }

    public string? Id { get; }

    public string? Version { get; }

    /// <summary>xml:lang (RFC 6120 §4.7.4).</summary>
    public string? Lang { get; }

    /// <summary>The header of an RFC 6120 §4 XML stream: the &lt;stream:stream&gt; element and the default namespace it declared.</summary>
    public static StreamHeader Read(Element header, string? defaultNamespace) =>
        new(header.Is("stream", Namespaces.Streams), defaultNamespace, header);

    /// <summary>
    /// RFC 6120 §4.8.1 and §4.9.3.10: the stream element in the expected content namespace, else
    /// <c>invalid-namespace</c>; §4.7.5: version 1.x when <paramref name="versionRequired"/> (no version
    /// means 0.9, which this server does not speak), else <c>unsupported-version</c>. XEP-0114
    /// component streams carry no version.
    /// </summary>
    public void Check(string contentNamespace, bool versionRequired)
    {
        if (!IsStream || ContentNamespace != contentNamespace)
        {
            throw new StreamErrorException(StreamErrorCondition.InvalidNamespace);
        }

        if (versionRequired && !IsVersionOne(Version))
        {
            throw new StreamErrorException(StreamErrorCondition.UnsupportedVersion);
        }
    }

    private static bool IsVersionOne(string? version) =>
        version is not null && version.StartsWith("1.", StringComparison.Ordinal) && int.TryParse(version.AsSpan(2), out _);
}
