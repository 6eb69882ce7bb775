using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Bookmarks;

/// <summary>
/// The two shapes of the same bookmarks: XEP-0402's one &lt;conference/&gt; per item, the room JID as
/// item id, and XEP-0048's &lt;storage/&gt; list with the JID in each conference (XEP-0402 §6 casts
/// one into the other). Room name, autojoin, nick and password carry over; XEP-0402 extensions have
/// no place in XEP-0048 and are kept from the item they were in; XEP-0048 URLs are kept from the list.
/// </summary>
internal static class BookmarkList
{
    /// <summary>XEP-0048's list of the given XEP-0402 items (room JID, conference), with the URLs of <paramref name="previous"/>.</summary>
    public static Element ToStorage(IEnumerable<(string Room, Element Conference)> items, Element? previous)
    {
        var storage = new Element("storage", BookmarkNamespaces.Legacy);
        foreach (var (room, conference) in items)
        {
            var legacy = storage.AddElement("conference", BookmarkNamespaces.Legacy).SetAttribute("jid", room);
            legacy.SetAttribute("name", conference.GetAttribute("name"));
            legacy.SetAttribute("autojoin", IsTrue(conference.GetAttribute("autojoin")) ? "true" : "false");
            CopyText(conference, BookmarkNamespaces.Native, legacy, BookmarkNamespaces.Legacy, "nick");
            CopyText(conference, BookmarkNamespaces.Native, legacy, BookmarkNamespaces.Legacy, "password");
        }

        foreach (var url in previous?.Children("url", BookmarkNamespaces.Legacy) ?? [])
        {
            storage.Add(url.Clone());
        }

        return storage;
    }

    /// <summary>
    /// XEP-0402 items for the rooms of a XEP-0048 list, in its order, one per room JID (a conference
    /// without a valid JID is skipped); <paramref name="extensionsOf"/> gives the extensions to keep per room.
    /// </summary>
    public static List<(string Room, Element Conference)> FromStorage(Element storage, Func<string, Element?> extensionsOf)
    {
        var rooms = new List<(string, Element)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var legacy in storage.Children("conference", BookmarkNamespaces.Legacy))
        {
            if (!Jid.TryParse(legacy.GetAttribute("jid") ?? "", out var jid) || jid.Resource is not null || !seen.Add(jid.ToString()))
            {
                continue;
            }

            var room = jid.ToString();
            var conference = new Element("conference", BookmarkNamespaces.Native);
            conference.SetAttribute("name", legacy.GetAttribute("name"));
            if (IsTrue(legacy.GetAttribute("autojoin")))
            {
                conference.SetAttribute("autojoin", "true");
            }

            CopyText(legacy, BookmarkNamespaces.Legacy, conference, BookmarkNamespaces.Native, "nick");
            CopyText(legacy, BookmarkNamespaces.Legacy, conference, BookmarkNamespaces.Native, "password");
            if (extensionsOf(room) is { } extensions)
            {
                conference.Add(extensions.Clone());
            }

            rooms.Add((room, conference));
        }

        return rooms;
    }

    /// <summary>XML Schema boolean, as both XEPs type autojoin.</summary>
    private static bool IsTrue(string? value) => value is "true" or "1";

    private static void CopyText(Element from, string fromNs, Element to, string toNs, string name)
    {
        if (from.ChildText(name, fromNs) is { } text)
        {
            to.AddElement(name, toNs).AddText(text);
        }
    }
}
