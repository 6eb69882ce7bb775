using Parley.Server.Modules.Messages;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Archive;

/// <summary>Which messages go into a user's archive (XEP-0313 §5.1.1), as a pure function of the stanza.</summary>
internal static class ArchiveRules
{
    /// <summary>
    /// Normal and chat messages with a body; XEP-0334 hints override: &lt;no-store/&gt; and
    /// &lt;no-permanent-store/&gt; keep a message out, &lt;store/&gt; puts one in. Groupchat belongs to the
    /// room's archive, headlines and errors to no one's.
    /// </summary>
    public static bool IsArchived(Element message) =>
        MessageRules.ParseType(Stanza.Type(message)) is MessageType.Normal or MessageType.Chat && IsKept(message);

    /// <summary>
    /// What a room archives of the groupchat it relays (XEP-0313 on the room JID): messages with a
    /// body, under the same XEP-0334 hints; a subject change without a body is not a message of the
    /// conversation.
    /// </summary>
    public static bool IsArchivedByRoom(Element groupchat) => IsKept(groupchat);

    /// <summary>A body, or the &lt;store/&gt; hint; unless &lt;no-store/&gt; or &lt;no-permanent-store/&gt; says otherwise.</summary>
    private static bool IsKept(Element message)
    {
        var body = false;
        foreach (var child in message.Children())
        {
            if (child.Namespace == Namespaces.Hints)
            {
                switch (child.Name)
                {
                    case "no-store" or "no-permanent-store":
                        return false;
                    case "store":
                        body = true;
                        break;
                }
            }
            else if (child.Is("body", Namespaces.Client))
            {
                body = true;
            }
        }

        return body;
    }
}
