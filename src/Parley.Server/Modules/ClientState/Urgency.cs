using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.ClientState;

/// <summary>
/// What an inactive client must still get at once (XEP-0352 §5 leaves the choice to the server):
/// messages with a body (a carbon or forwarded copy of one included) and errors, every IQ (a request
/// needs an answer, a result was asked for), and presence that needs an answer (subscription
/// requests and changes, errors). Presence updates and content-free messages (chat states,
/// receipts, markers) can wait.
/// </summary>
internal static class Urgency
{
    public static bool IsUrgent(Element stanza) => stanza.Name switch
    {
        "presence" => Stanza.Type(stanza) is not (null or "unavailable"),
        "message" => Stanza.Type(stanza) == "error" || HasBody(stanza, depth: 0),
        _ => true,
    };

    /// <summary>True when the message, or a message forwarded inside it (XEP-0280, XEP-0297), has a body.</summary>
    private static bool HasBody(Element message, int depth)
    {
        foreach (var child in message.Children())
        {
            if (child.Name == "body" && child.Namespace == Namespaces.Client)
            {
                return true;
            }

            // <sent|received><forwarded><message>: a copy of a conversation is as urgent as the conversation.
            if (depth < 3 && child.Namespace is Namespaces.Carbons or Namespaces.Forward && HasBody(child, depth + 1))
            {
                return true;
            }

            if (depth > 0 && child.Name == "message" && HasBody(child, depth + 1))
            {
                return true;
            }
        }

        return false;
    }
}
