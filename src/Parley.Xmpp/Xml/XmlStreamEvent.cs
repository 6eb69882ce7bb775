namespace Parley.Xmpp.Xml;

public enum XmlStreamEventKind
{
    /// <summary>The stream header was read; <see cref="XmlStreamEvent.Element"/> is the (childless) stream element with its attributes.</summary>
    StreamOpened,

    /// <summary>A complete top-level element (stanza or negotiation element) was read.</summary>
    Element,

    /// <summary>The closing &lt;/stream:stream&gt; tag was read.</summary>
    StreamClosed,
}

public readonly record struct XmlStreamEvent(XmlStreamEventKind Kind, Element? Element);
