using Parley.Xmpp.Xml;

namespace Parley.Xmpp.Stanzas;

/// <summary>Reading and answering the three stanza kinds of RFC 6120 §8 over an <see cref="Element"/>.</summary>
public static class Stanza
{
    public static bool IsStanza(Element e) =>
        (e.Namespace == Namespaces.Client || e.Namespace == Namespaces.Server || e.Namespace == Namespaces.ComponentAccept)
        && (e.Name == "message" || e.Name == "presence" || e.Name == "iq");

    public static string? Type(Element stanza) => stanza.GetAttribute("type");

    public static bool IsError(Element stanza) => Type(stanza) == "error";

    /// <summary>
    /// The error reply to a stanza (RFC 6120 §8.3.1): same kind and id, addresses swapped,
    /// type "error". The original payload is not echoed, to keep replies small.
    /// </summary>
    public static Element ErrorReply(Element stanza, StanzaError error)
    {
        var reply = new Element(stanza.Name, stanza.Namespace);
        CopyReplyAddressing(stanza, reply);
        reply.SetAttribute("type", "error");
        reply.Add(error.ToElement(stanza.Namespace));
        return reply;
    }

    /// <summary>The empty result to an IQ get or set (RFC 6120 §8.2.3).</summary>
    public static Element IqResult(Element iq, Element? payload = null)
    {
        var reply = new Element("iq", iq.Namespace);
        CopyReplyAddressing(iq, reply);
        reply.SetAttribute("type", "result");
        if (payload is not null)
        {
            reply.Add(payload);
        }

        return reply;
    }

    private static void CopyReplyAddressing(Element request, Element reply)
    {
        reply.SetAttribute("id", request.GetAttribute("id"));
        reply.SetAttribute("to", request.GetAttribute("from"));
        reply.SetAttribute("from", request.GetAttribute("to"));
    }
}
