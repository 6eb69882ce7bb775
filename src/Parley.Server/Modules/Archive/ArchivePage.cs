namespace Parley.Server.Modules.Archive;

/// <summary>What a query found: the page in archive order, the size of the whole result set, and where the page sits in it.</summary>
/// <param name="Items">The page, oldest first.</param>
/// <param name="Count">Items in the whole result set, ignoring the page (XEP-0059 &lt;count/&gt;).</param>
/// <param name="FirstIndex">The position of the page's first item in the result set (XEP-0059 &lt;first index/&gt;).</param>
/// <param name="Complete">No more items lie beyond the page in the direction of paging (XEP-0313 &lt;fin complete/&gt;).</param>
internal sealed record ArchivePage(IReadOnlyList<ArchivedMessage> Items, int Count, int FirstIndex, bool Complete);
