using System.Globalization;
using System.Text.RegularExpressions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// Reads a XEP-0313 &lt;query/&gt;: its XEP-0004 form (FORM_TYPE, with, start, end, and the #extended
/// before-id, after-id, ids) and its XEP-0059 &lt;set/&gt;. Bad input becomes the error the XEPs name:
/// an unknown field feature-not-implemented (XEP-0313 §4.1.2), a malformed date, id or number
/// bad-request; a &lt;max/&gt; above the configured page size is clamped (§4.2), not refused.
/// </summary>
internal static partial class ArchiveQueryParser
{
    /// <summary>The fields this server understands, for the form a client may ask for (§4.1.1).</summary>
    public static readonly string[] Fields = ["with", "start", "end", "before-id", "after-id", "ids"];

    public static bool TryParse(Element query, int defaultPageSize, int maxPageSize, out ArchiveQuery parsed, out StanzaError? error)
    {
        parsed = null!;
        Jid? with = null;
        long? lowest = null, highest = null;
        List<long>? ids = null;
        var referenced = new List<long>();

        if (query.Child("x", Namespaces.DataForms) is { } form)
        {
            foreach (var field in form.Children("field", Namespaces.DataForms))
            {
                var values = field.Children("value", Namespaces.DataForms).Select(v => v.Text).ToList();
                var value = values.Count == 0 ? "" : values[0];
                switch (field.GetAttribute("var"))
                {
                    case "FORM_TYPE":
                        if (value != Namespaces.Mam)
                        {
                            return Fail(StanzaErrorCondition.BadRequest, "FORM_TYPE must be " + Namespaces.Mam, out error);
                        }

                        break;
                    case "with":
                        if (!Jid.TryParse(value, out with))
                        {
                            return Fail(StanzaErrorCondition.BadRequest, "'with' is not a JID", out error);
                        }

                        break;
                    case "start":
                        if (!TryParseDate(value, out var start))
                        {
                            return Fail(StanzaErrorCondition.BadRequest, "'start' is not a XEP-0082 date and time", out error);
                        }

                        lowest = Max(lowest, ArchiveIds.FloorOf(start));
                        break;
                    case "end":
                        if (!TryParseDate(value, out var end))
                        {
                            return Fail(StanzaErrorCondition.BadRequest, "'end' is not a XEP-0082 date and time", out error);
                        }

                        highest = Min(highest, ArchiveIds.CeilingOf(end));
                        break;
                    case "after-id":
                        if (!ArchiveIds.TryParse(value, out var afterId))
                        {
                            return Fail(StanzaErrorCondition.BadRequest, "'after-id' is not an archive id", out error);
                        }

                        referenced.Add(afterId);
                        lowest = Max(lowest, afterId + 1);
                        break;
                    case "before-id":
                        if (!ArchiveIds.TryParse(value, out var beforeId))
                        {
                            return Fail(StanzaErrorCondition.BadRequest, "'before-id' is not an archive id", out error);
                        }

                        referenced.Add(beforeId);
                        highest = Min(highest, beforeId - 1);
                        break;
                    case "ids":
                        ids = [];
                        foreach (var text in values)
                        {
                            if (!ArchiveIds.TryParse(text, out var id))
                            {
                                return Fail(StanzaErrorCondition.BadRequest, "'ids' holds a value that is not an archive id", out error);
                            }

                            ids.Add(id);
                        }

                        if (ids.Count > maxPageSize)
                        {
                            return Fail(StanzaErrorCondition.BadRequest, "'ids' names more messages than one page may hold", out error);
                        }

                        referenced.AddRange(ids);
                        break;
                    default:
                        // XEP-0313 §4.1.2: a field the server does not support.
                        return Fail(StanzaErrorCondition.FeatureNotImplemented, $"unknown field '{field.GetAttribute("var")}'", out error);
                }
            }
        }

        var max = defaultPageSize;
        long? after = null, before = null;
        var backward = false;
        int? index = null;
        if (query.Child("set", Namespaces.Rsm) is { } set)
        {
            if (set.Child("max", Namespaces.Rsm) is { } maxElement)
            {
                if (!int.TryParse(maxElement.Text, NumberStyles.None, CultureInfo.InvariantCulture, out max))
                {
                    return Fail(StanzaErrorCondition.BadRequest, "<max/> is not a non-negative integer", out error);
                }

                // XEP-0313 §4.2 / XEP-0059 §2.2: the server may return fewer than asked.
                max = Math.Min(max, maxPageSize);
            }

            if (set.Child("after", Namespaces.Rsm) is { } afterElement)
            {
                if (!ArchiveIds.TryParse(afterElement.Text, out var id))
                {
                    return Fail(StanzaErrorCondition.BadRequest, "<after/> is not an archive id", out error);
                }

                after = id;
                referenced.Add(id);
            }

            if (set.Child("before", Namespaces.Rsm) is { } beforeElement)
            {
                backward = true;
                if (beforeElement.Text.Length != 0)
                {
                    if (!ArchiveIds.TryParse(beforeElement.Text, out var id))
                    {
                        return Fail(StanzaErrorCondition.BadRequest, "<before/> is not an archive id", out error);
                    }

                    before = id;
                    referenced.Add(id);
                }
            }

            if (set.Child("index", Namespaces.Rsm) is { } indexElement)
            {
                if (!int.TryParse(indexElement.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var skip))
                {
                    return Fail(StanzaErrorCondition.BadRequest, "<index/> is not a non-negative integer", out error);
                }

                index = skip;
            }

            if ((after is not null && backward) || (index is not null && (after is not null || backward)))
            {
                // XEP-0059 §2.1, §2.5: one way to say where the page starts.
                return Fail(StanzaErrorCondition.BadRequest, "give one of <after/>, <before/> and <index/>", out error);
            }
        }

        parsed = new ArchiveQuery(with, lowest, highest, ids, max, after, before, backward, index,
            query.Child("flip-page", Namespaces.Mam) is not null, referenced);
        error = null;
        return true;
    }

    /// <summary>XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD, the zone required.</summary>
    public static bool TryParseDate(string text, out DateTimeOffset value)
    {
        value = default;
        return DateTimePattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();

    private static long Max(long? current, long bound) => current is { } c ? Math.Max(c, bound) : bound;

    private static long Min(long? current, long bound) => current is { } c ? Math.Min(c, bound) : bound;

    private static bool Fail(StanzaErrorCondition condition, string text, out StanzaError? error)
    {
        error = StanzaError.Of(condition, text);
        return false;
    }
}
