using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>What a BOSH session (Http/Bosh) does with what the stream writes: each response is built per HTTP request.</summary>
internal interface IBoshOutput
{
    /// <summary>The server's stream header (after creation and every restart): its attributes, for the session creation response.</summary>
    void StreamOpened(IEnumerable<XmlAttribute> attributes);

    /// <summary>One element for the client, queued until a request can carry it.</summary>
    void Element(Element element);

    /// <summary>The server ended the stream: the session terminates (XEP-0124 §13, XEP-0206 §6).</summary>
    void StreamClosed();
}
