using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// One XEP-0313 query, parsed and checked (<see cref="ArchiveQueryParser"/>): the filters of the
/// data form, as id bounds where they are times, and the XEP-0059 page.
/// </summary>
/// <param name="With">Only messages with this JID: a bare JID matches every resource, a full JID only itself.</param>
/// <param name="Lowest">Smallest id included (from 'start' and 'after-id').</param>
/// <param name="Highest">Largest id included (from 'end' and 'before-id').</param>
/// <param name="Ids">Only these ids ('ids', the #extended feature); null when not asked.</param>
/// <param name="Max">Items on the page, already clamped to Archive:MaxPageSize; 0 asks for the count only.</param>
/// <param name="After">RSM &lt;after/&gt;: the page starts after this id.</param>
/// <param name="Before">RSM &lt;before/&gt;: the page ends before this id; with <paramref name="Backward"/> and no id, the last page.</param>
/// <param name="Backward">Paging from the end (an RSM &lt;before/&gt;, empty or not).</param>
/// <param name="Index">RSM &lt;index/&gt;: skip this many items from the start of the result set.</param>
/// <param name="FlipPage">XEP-0313 &lt;flip-page/&gt;: the page's items in reverse order.</param>
/// <param name="Referenced">Every id the query names (after-id, before-id, ids, RSM after/before): each must be in the archive.</param>
internal sealed record ArchiveQuery(
    Jid? With,
    long? Lowest,
    long? Highest,
    IReadOnlyList<long>? Ids,
    int Max,
    long? After,
    long? Before,
    bool Backward,
    int? Index,
    bool FlipPage,
    IReadOnlyList<long> Referenced);
