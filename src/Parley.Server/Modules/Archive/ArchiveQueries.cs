using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// The XEP-0313 requests every archive answers the same way, an account's (<see cref="ArchiveModule"/>)
/// or a room's (Modules/Muc): a query (§4) with its results and &lt;fin/&gt;, the query form (§4.1.1)
/// and the metadata (§7). Who may ask is the caller's decision; these only read the archive, after
/// waiting for the writer so every message archived before the request is seen.
/// </summary>
internal sealed class ArchiveQueries(IArchiveStore store, ArchiveWriter writer, IOptions<ParleyOptions> options)
{
    private readonly ArchiveOptions _options = options.Value.Archive;

    /// <summary>
    /// §4.2: each result goes to <paramref name="send"/> as a message from the archive to
    /// <paramref name="requester"/>, in order; then the IQ's answer, &lt;fin/&gt; with the XEP-0059 set,
    /// or the error (bad-request and feature-not-implemented from the form, item-not-found for an id
    /// the archive does not hold).
    /// </summary>
    public async ValueTask<IqReply> QueryAsync(ArchiveOwner owner, Element payload, Jid requester, Func<Element, ValueTask> send, CancellationToken cancellationToken)
    {
        if (!ArchiveQueryParser.TryParse(payload, _options.DefaultPageSize, _options.MaxPageSize, out var query, out var error))
        {
            return new IqReply(null, error);
        }

        await writer.WhenWrittenAsync(cancellationToken).ConfigureAwait(false);
        if (query.Referenced.Count != 0)
        {
            var found = await store.ExistingAsync(owner, query.Referenced, cancellationToken).ConfigureAwait(false);
            if (query.Referenced.Any(id => !found.Contains(id)))
            {
                // XEP-0313 §4.1.4 / XEP-0059 §2.6: a page anchored on a message the archive does not hold.
                return IqReply.Fail(StanzaErrorCondition.ItemNotFound);
            }
        }

        var page = await store.QueryAsync(owner, query, cancellationToken).ConfigureAwait(false);
        var queryId = payload.GetAttribute("queryid");
        for (var i = 0; i < page.Items.Count; i++)
        {
            var item = page.Items[query.FlipPage ? page.Items.Count - 1 - i : i];
            await send(Result(owner, requester, queryId, item)).ConfigureAwait(false);
        }

        var fin = new Element("fin", Namespaces.Mam)
            .SetAttribute("complete", page.Complete ? "true" : "false")
            .SetAttribute("stable", "true");
        var set = fin.AddElement("set", Namespaces.Rsm);
        if (page.Items.Count != 0)
        {
            // The first and last of the result set's order, flipped or not, so paging on from them works the same.
            set.AddElement("first").SetAttribute("index", page.FirstIndex.ToString(CultureInfo.InvariantCulture)).AddText(ArchiveIds.Format(page.Items[0].Id));
            set.AddElement("last").AddText(ArchiveIds.Format(page.Items[^1].Id));
        }

        set.AddElement("count").AddText(page.Count.ToString(CultureInfo.InvariantCulture));
        return IqReply.Result(fin);
    }

    /// <summary>§4.1.1: the form a client fills, listing the fields this server supports.</summary>
    public static Element Form()
    {
        var query = new Element("query", Namespaces.Mam);
        var form = query.AddElement("x", Namespaces.DataForms).SetAttribute("type", "form");
        form.AddElement("field").SetAttribute("var", "FORM_TYPE").SetAttribute("type", "hidden").AddElement("value").AddText(Namespaces.Mam);
        foreach (var field in ArchiveQueryParser.Fields)
        {
            form.AddElement("field").SetAttribute("var", field).SetAttribute("type", field switch
            {
                "with" => "jid-single",
                "ids" => "text-multi",
                _ => "text-single",
            });
        }

        return query;
    }

    /// <summary>§7 (metadata): the first and last message of the archive, or an empty archive.</summary>
    public async ValueTask<Element> MetadataAsync(ArchiveOwner owner, CancellationToken cancellationToken)
    {
        await writer.WhenWrittenAsync(cancellationToken).ConfigureAwait(false);
        var metadata = new Element("metadata", Namespaces.Mam);
        if (await store.BoundsAsync(owner, cancellationToken).ConfigureAwait(false) is var (first, last))
        {
            foreach (var (name, item) in (ReadOnlySpan<(string, ArchivedMessage)>)[("start", first), ("end", last)])
            {
                metadata.AddElement(name)
                    .SetAttribute("id", ArchiveIds.Format(item.Id))
                    .SetAttribute("timestamp", Stamp(item.ReceivedAt));
            }
        }

        return metadata;
    }

    /// <summary>One result (§4.2): the message forwarded (XEP-0297) with its XEP-0203 delay, from the archive's JID.</summary>
    private static Element Result(ArchiveOwner owner, Jid requester, string? queryId, ArchivedMessage item)
    {
        var message = new Element("message", Namespaces.Client)
            .SetAttribute("from", owner.Jid.ToString())
            .SetAttribute("to", requester.ToString());
        var result = message.AddElement("result", Namespaces.Mam)
            .SetAttribute("queryid", queryId)
            .SetAttribute("id", ArchiveIds.Format(item.Id));
        var forwarded = result.AddElement("forwarded", Namespaces.Forward);
        forwarded.AddElement("delay", Namespaces.Delay).SetAttribute("stamp", Stamp(item.ReceivedAt));
        var stored = StoredXml.Read(item.Stanza);
        if (StanzaIds.Find(stored, owner.Jid) is null)
        {
            // XEP-0359 §4 / XEP-0313 §5.2: the archive's id is the stanza-id by the archive's JID; an
            // account's stored message names no archive (one serialization serves both of a local
            // conversation's rows).
            StanzaIds.Stamp(stored, item.Id, owner.Jid);
        }

        forwarded.Add(stored);
        return message;
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
