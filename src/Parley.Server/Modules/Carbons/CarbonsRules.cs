using Parley.Server.Modules.Messages;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Carbons;

/// <summary>XEP-0280 §6: which messages are copied to a user's other resources, as a pure function of the stanza.</summary>
internal static class CarbonsRules
{
    /// <summary>
    /// Chat messages; normal messages with a body, with payloads of a conversation (XEP-0184 receipts,
    /// XEP-0085 chat states, XEP-0333 markers) or with the XEP-0045 private-message marker
    /// (&lt;x xmlns='…muc#user'/&gt;); errors (the replies to such messages; the server keeps no record to
    /// check that, so every error qualifies). Never groupchat (each device joins the room itself) or
    /// headline, never a message marked &lt;private/&gt; (§8) or XEP-0334 &lt;no-copy/&gt;, and never a
    /// carbon copy itself (&lt;sent/&gt; or &lt;received/&gt;), so copies cannot multiply.
    /// </summary>
    public static bool IsEligible(Element message)
    {
        var type = MessageRules.ParseType(Stanza.Type(message));
        if (type is MessageType.Groupchat or MessageType.Headline)
        {
            return false;
        }

        var conversation = type is MessageType.Chat or MessageType.Error;
        foreach (var child in message.Children())
        {
            switch (child.Namespace)
            {
                case Namespaces.Carbons:
                    // <private/>, or a <sent/>/<received/> wrapper: a carbon is never carbon-copied.
                    return false;
                case Namespaces.Hints when child.Name == "no-copy":
                    return false;
                case Namespaces.Client when child.Name == "body":
                case Namespaces.Receipts or Namespaces.ChatStates or Namespaces.ChatMarkers:
                case Namespaces.MucUser when child.Name == "x":
                    conversation = true;
                    break;
            }
        }

        return conversation;
    }
}
