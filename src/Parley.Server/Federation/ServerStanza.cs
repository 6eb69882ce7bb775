using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Federation;

/// <summary>
/// RFC 6120 §4.8.3: stanzas travel in jabber:server between servers and in jabber:client to
/// clients. The server keeps them in jabber:client; an inbound stanza (and every descendant that
/// inherited the stream's namespace) is moved to it once, on arrival. Leaving, the connection
/// writes jabber:client elements without a declaration, so they take the stream's jabber:server.
/// </summary>
internal static class ServerStanza
{
    public static Element ToClient(Element element)
    {
        var copy = new Element(element.Name, element.Namespace == Namespaces.Server ? Namespaces.Client : element.Namespace);
        foreach (var attribute in element.Attributes)
        {
            copy.SetAttribute(attribute.Name, attribute.Value, attribute.Namespace);
        }

        foreach (var node in element.Nodes)
        {
            copy.Add(node is Element child ? ToClient(child) : node.Clone());
        }

        return copy;
    }
}
