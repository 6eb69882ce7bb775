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
        List<Element>? forged = null;
        foreach (var child in message.Children())
        {
            if (child.Is("stanza-id", Namespaces.StanzaId)
                && (!Jid.TryParse(child.GetAttribute("by"), out var by) || domains.Contains(by.Domain)))
            {
                (forged ??= []).Add(child);
            }
        }

        if (forged is not null)
        {
            foreach (var element in forged)
            {
                message.Remove(element);
            }
        }
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
