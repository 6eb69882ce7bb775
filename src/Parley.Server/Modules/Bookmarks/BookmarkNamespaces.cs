namespace Parley.Server.Modules.Bookmarks;

/// <summary>The namespaces of chat room bookmarks: XEP-0402 (one PEP item per room) and XEP-0048 (one list).</summary>
internal static class BookmarkNamespaces
{
    /// <summary>XEP-0402 §3: the node and payload namespace; each item's id is the room's JID.</summary>
    public const string Native = "urn:xmpp:bookmarks:1";

    /// <summary>XEP-0402 §6: the server keeps XEP-0402 and XEP-0048 in private XML (XEP-0049) as one.</summary>
    public const string Compat = Native + "#compat";

    /// <summary>XEP-0402 §6: the server keeps XEP-0402 and XEP-0048 in PEP (XEP-0223) as one.</summary>
    public const string CompatPep = Native + "#compat-pep";

    /// <summary>XEP-0048 §3: the whole list, in private XML or in the PEP node of that name (item "current").</summary>
    public const string Legacy = "storage:bookmarks";
}
