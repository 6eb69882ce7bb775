using Parley.Server.Routing;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// XEP-0359 unique and stable stanza ids. The server stamps &lt;stanza-id by='account'/&gt; on what it
/// archives; clients trust a stanza-id only when 'by' is their own account (§8), so any that claims
/// to come from an address of a hosted domain and arrived from outside (a client, another server, a
/// component) is a forgery and is removed before anything is archived or delivered. &lt;origin-id/&gt;
/// (the sender's own id) is left as it is.
/// </summary>
internal static class StanzaIds
{
    public static void StripForged(Element message, HostedDomains domains)
    {
        // By index, backwards: no iterator on the delivery path, and removing keeps the rest in place.
        var nodes = message.Nodes;
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            if (nodes[i] is Element child && child.Is("stanza-id", Namespaces.StanzaId)
                && (!Jid.TryParse(child.GetAttribute("by"), out var by) || domains.Contains(by.Domain)))
            {
                message.Remove(child);
            }
        }
    }

    /// <summary>
    /// Removes the stanza-id <paramref name="by"/> stamped and returns its id, or null when there is
    /// none: the sender side's own stamp (<see cref="ArchiveModule"/>), taken off before the message
    /// meets anyone but the sender's resources.
    /// </summary>
    public static long? Take(Element message, Jid by)
    {
        var stamp = Find(message, by);
        if (stamp is null)
        {
            return null;
        }

        message.Remove(stamp);
        return ArchiveIds.TryParse(stamp.GetAttribute("id"), out var id) ? id : null;
    }

    /// <summary>The stanza-id <paramref name="by"/> stamped, or null.</summary>
    public static Element? Find(Element message, Jid by)
    {
        var nodes = message.Nodes;
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is Element child && child.Is("stanza-id", Namespaces.StanzaId)
                && Jid.TryParse(child.GetAttribute("by"), out var stamper) && stamper.Equals(by))
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>True when this server's archive of <paramref name="account"/> stamped the message already.</summary>
    public static bool IsStampedBy(Element message, Jid account)
    {
        foreach (var child in message.Children())
        {
            if (child.Is("stanza-id", Namespaces.StanzaId) && child.GetAttribute("by") == account.ToString())
            {
                return true;
            }
        }

        return false;
    }

    public static void Stamp(Element message, long id, Jid by) =>
        message.AddElement("stanza-id", Namespaces.StanzaId)
            .SetAttribute("id", ArchiveIds.Format(id))
            .SetAttribute("by", by.ToString());
}
