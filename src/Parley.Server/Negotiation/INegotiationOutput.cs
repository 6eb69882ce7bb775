using Parley.Xmpp.Xml;

namespace Parley.Server.Negotiation;

/// <summary>Where the negotiator's replies go (the connection's writer; a list in tests).</summary>
internal interface INegotiationOutput
{
    /// <summary>The response stream header (RFC 6120 §4.7), attributes only.</summary>
    void SendHeader(IReadOnlyList<XmlAttribute> attributes);

    void Send(Element element);
}
