using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// RFC 6120 §4.8.3: stanzas travel in jabber:server between servers, in jabber:component:accept
/// to and from external components (XEP-0114 §3) and in jabber:client to clients. The server keeps
/// them in jabber:client; an inbound stanza (and every descendant that inherited the stream's
/// namespace) is moved to it once, on arrival. Leaving, the connection writes jabber:client
/// elements without a declaration, so they take the stream's own default namespace.
/// </summary>
internal static class StreamStanza
{
    public static Element ToClient(Element element, string streamNamespace)
    {
        var copy = new Element(element.Name, element.Namespace == streamNamespace ? Namespaces.Client : element.Namespace);
        foreach (var attribute in element.Attributes)
        {
            copy.SetAttribute(attribute.Name, attribute.Value, attribute.Namespace);
        }

        foreach (var node in element.Nodes)
        {
            copy.Add(node is Element child ? ToClient(child, streamNamespace) : node.Clone());
        }

        return copy;
    }
}
