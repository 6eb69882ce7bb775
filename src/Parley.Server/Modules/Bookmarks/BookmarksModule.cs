using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Diagnostics;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Server.Modules.Pep;
using Parley.Server.Modules.PrivateStorage;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Bookmarks;

/// <summary>
/// XEP-0402 §6 compatibility: an account's bookmarks are one list whichever way a client keeps them,
/// as XEP-0402 items (one per room), as the XEP-0048 list in private XML (XEP-0049, "#compat") or as
/// that list in the PEP node storage:bookmarks (XEP-0223, "#compat-pep"). A change through one is
/// written through to the other two; a XEP-0048 list replacing the old one updates the XEP-0402 items
/// one by one, publishing the changed rooms and retracting the removed ones (with notifications),
/// and leaving unchanged ones alone (§6: no notification for them). Runs when the Pep module does;
/// private XML compatibility when the PrivateStorage module does too.
/// </summary>
internal sealed class BookmarksModule(
    IPepStore pep,
    PepPublisher publisher,
    IPrivateXmlStore privateXml,
    IOptionsMonitor<ModuleOptions> modules,
    IOptions<ParleyOptions> options,
    ILogger<BookmarksModule> logger) : IXmppModule
{
    /// <summary>XEP-0402 §3's publish-options: private, persistent, every item kept, none sent on presence.</summary>
    private static readonly NodeConfig NativeNode = new(AccessModel.Whitelist, null, true, SendLastPublishedItem.Never, true, "");

    /// <summary>XEP-0223 §3 / XEP-0048 §3: one private persistent item.</summary>
    private static readonly NodeConfig LegacyNode = NodeConfig.Default with { Access = AccessModel.Whitelist };

    private const string LegacyItem = "current";

    private bool PrivateXmlOn => modules.Get("PrivateStorage").Enabled;

    public void Map(ModuleMap map)
    {
        if (!modules.Get("Pep").Enabled)
        {
            return;
        }

        map.Feature(BookmarkNamespaces.CompatPep, Addressed.Account);
        map.On<PepNodeChanged>(OnPepChangedAsync);
        if (PrivateXmlOn)
        {
            map.Feature(BookmarkNamespaces.Compat, Addressed.Account);
            map.On<PrivateXmlStored>(OnPrivateXmlStoredAsync);
        }
    }

    private async ValueTask OnPepChangedAsync(PepNodeChanged changed)
    {
        try
        {
            if (changed.Node == BookmarkNamespaces.Native)
            {
                await MirrorNativeAsync(changed.Account).ConfigureAwait(false);
            }
            else if (changed.Node == BookmarkNamespaces.Legacy && changed.Published is { } storage && storage.Is("storage", BookmarkNamespaces.Legacy))
            {
                await ApplyLegacyAsync(changed.Account, storage, toPrivateXml: PrivateXmlOn, toPep: false).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PepLog.MirrorFailed(logger, changed.Account.ToString(), "bookmarks", e);
        }
    }

    private async ValueTask OnPrivateXmlStoredAsync(PrivateXmlStored stored)
    {
        if (!stored.Element.Is("storage", BookmarkNamespaces.Legacy))
        {
            return;
        }

        try
        {
            await ApplyLegacyAsync(stored.Account, stored.Element, toPrivateXml: false, toPep: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PepLog.MirrorFailed(logger, stored.Account.ToString(), "bookmarks", e);
        }
    }

    /// <summary>XEP-0402 §6.1: the XEP-0402 items changed; both XEP-0048 copies become their list.</summary>
    private async ValueTask MirrorNativeAsync(Jid account)
    {
        var items = await pep.ItemsAsync(account, BookmarkNamespaces.Native, null, null, CancellationToken.None).ConfigureAwait(false);
        var rooms = items.Reverse().Select(i => (i.Id, StoredXml.Read(i.Xml))).Where(r => r.Item2.Is("conference", BookmarkNamespaces.Native));
        var storage = BookmarkList.ToStorage(rooms, await LegacyListAsync(account).ConfigureAwait(false));
        if (PrivateXmlOn)
        {
            await WritePrivateXmlAsync(account, storage).ConfigureAwait(false);
        }

        await WriteLegacyPepAsync(account, storage).ConfigureAwait(false);
    }

    /// <summary>XEP-0402 §6.2: a XEP-0048 list replaced the old one; the XEP-0402 items follow it room by room, and the other XEP-0048 copy takes it whole.</summary>
    private async ValueTask ApplyLegacyAsync(Jid account, Element storage, bool toPrivateXml, bool toPep)
    {
        var current = (await pep.ItemsAsync(account, BookmarkNamespaces.Native, null, null, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(i => i.Id, i => i.Xml, StringComparer.Ordinal);
        var wanted = BookmarkList.FromStorage(storage, room => current.TryGetValue(room, out var xml) ? StoredXml.Read(xml).Child("extensions", BookmarkNamespaces.Native) : null);
        foreach (var (room, conference) in wanted)
        {
            if (current.Remove(room, out var xml) && xml == StoredXml.Write(conference))
            {
                continue;
            }

            if (await publisher.PublishAsync(account, BookmarkNamespaces.Native, room, conference, null, NativeNode, CancellationToken.None).ConfigureAwait(false) is { } refused)
            {
                PepLog.BookmarksNotMirrored(logger, account.ToString(), BookmarkNamespaces.Native, refused.Text ?? refused.Condition.ToString());
                return;
            }
        }

        foreach (var removed in current.Keys)
        {
            await publisher.RetractAsync(account, BookmarkNamespaces.Native, removed, notify: true, CancellationToken.None).ConfigureAwait(false);
        }

        if (toPrivateXml)
        {
            await WritePrivateXmlAsync(account, storage).ConfigureAwait(false);
        }

        if (toPep)
        {
            await WriteLegacyPepAsync(account, storage).ConfigureAwait(false);
        }
    }

    /// <summary>The XEP-0048 list as last kept (for the URLs XEP-0402 has no place for): private XML's, else the PEP copy's.</summary>
    private async ValueTask<Element?> LegacyListAsync(Jid account)
    {
        if (PrivateXmlOn)
        {
            var stored = await privateXml.GetAsync(account, "storage", BookmarkNamespaces.Legacy, CancellationToken.None).ConfigureAwait(false);
            return stored is null ? null : StoredXml.Read(stored);
        }

        var items = await pep.ItemsAsync(account, BookmarkNamespaces.Legacy, 1, null, CancellationToken.None).ConfigureAwait(false);
        return items is [var item, ..] ? StoredXml.Read(item.Xml) : null;
    }

    private async ValueTask WritePrivateXmlAsync(Jid account, Element storage)
    {
        var max = options.Value.Limits.MaxPrivateXmlBytes;
        if (!await privateXml.SetAsync(account, [new PrivateXmlItem("storage", BookmarkNamespaces.Legacy, StoredXml.Write(storage))], max, CancellationToken.None).ConfigureAwait(false))
        {
            PepLog.BookmarksNotMirrored(logger, account.ToString(), "private XML", $"Limits:MaxPrivateXmlBytes ({max}) reached");
        }
    }

    private async ValueTask WriteLegacyPepAsync(Jid account, Element storage)
    {
        if (await publisher.PublishAsync(account, BookmarkNamespaces.Legacy, LegacyItem, storage, null, LegacyNode, CancellationToken.None).ConfigureAwait(false) is { } refused)
        {
            PepLog.BookmarksNotMirrored(logger, account.ToString(), BookmarkNamespaces.Legacy, refused.Text ?? refused.Condition.ToString());
        }
    }
}
