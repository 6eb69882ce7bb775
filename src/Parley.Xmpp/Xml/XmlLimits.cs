namespace Parley.Xmpp.Xml;

/// <summary>Bounds the parser enforces as bytes arrive; exceeding one is a &lt;policy-violation/&gt;.</summary>
public sealed record XmlLimits
{
    /// <summary>Bytes of one top-level element (stanza), from its '&lt;' to its end. Default 256 KiB.</summary>
    public int MaxStanzaBytes { get; init; } = 256 * 1024;

    /// <summary>Element nesting below the stream root (a stanza's own element is level 1). Default 32.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Attributes on one element, namespace declarations included. Default 64.</summary>
    public int MaxAttributes { get; init; } = 64;

    /// <summary>Characters (Unicode code points) in one element or attribute name, including its prefix. Default 256.</summary>
    public int MaxNameLength { get; init; } = 256;

    /// <summary>Bytes of the stream header (the opening &lt;stream:stream&gt; tag); the XML declaration before it is bounded separately by the same number. Default 4 KiB.</summary>
    public int MaxStreamHeaderBytes { get; init; } = 4096;

    /// <summary>Elements in one stanza, the stanza's own element included. Default 4096.</summary>
    public int MaxElements { get; init; } = 4096;

    /// <summary>UTF-8 bytes of one attribute value, after character and entity references are resolved. Default 16 KiB.</summary>
    public int MaxAttributeValueBytes { get; init; } = 16 * 1024;

    /// <summary>UTF-8 bytes of one run of character data inside a stanza (between two tags), after references are resolved. Default 256 KiB.</summary>
    public int MaxTextBytes { get; init; } = 256 * 1024;

    /// <summary>Namespace declarations on one element (each is an attribute too, within MaxAttributes). Default 16.</summary>
    public int MaxNamespaceDeclarations { get; init; } = 16;

    /// <summary>Namespace declarations in scope at once, over the stream header and every open element. Default 64.</summary>
    public int MaxNamespaceDeclarationsInScope { get; init; } = 64;

    public static XmlLimits Default { get; } = new();
}
