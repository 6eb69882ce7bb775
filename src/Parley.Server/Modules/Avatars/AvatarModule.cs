using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Diagnostics;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Server.Modules.Pep;
using Parley.Server.Modules.VCard;
using Parley.Server.Sessions;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Avatars;

/// <summary>
/// XEP-0398: an account's avatar is one, whether set through PEP (XEP-0084) or its vCard (XEP-0153).
/// Publishing avatar metadata puts the image it names into the vCard's PHOTO (§3.1); setting a vCard
/// with a PHOTO publishes its data and metadata (§3.2), notifying as any publish does; and the
/// account's available presence carries the photo hash (§4), so clients need not fetch the vCard to
/// announce it. Runs when both the Pep and VCard modules do.
/// </summary>
internal sealed class AvatarModule(
    IPepStore pep,
    PepPublisher publisher,
    IVCardStore vcards,
    AvatarHashes hashes,
    ISessionDirectory sessions,
    IOptionsMonitor<ModuleOptions> modules,
    IOptions<ParleyOptions> options,
    ILogger<AvatarModule> logger) : IXmppModule
{
    public void Map(ModuleMap map)
    {
        if (!modules.Get("Pep").Enabled || !modules.Get("VCard").Enabled)
        {
            return;
        }

        map.Feature(AvatarNamespaces.Conversion, Addressed.Account);

        // §4: every available presence, broadcast or directed (a MUC join included).
        map.Outgoing(StanzaKinds.Presence, Addressed.Server | Addressed.Account | Addressed.Resource | Addressed.Remote | Addressed.Component, StampHashAsync, Order.First);
        map.On<PepNodeChanged>(OnPepChangedAsync);
        map.On<VCardStored>(OnVCardStoredAsync);
        map.On<SessionClosed>(OnSessionClosedAsync);
    }

    /// <summary>
    /// §4: the hash goes into available presence that has no vcard-temp:x:update, or one without a
    /// photo; a presence with an empty photo (the client says "no avatar") or its own hash is left alone.
    /// </summary>
    private async ValueTask<Handling> StampHashAsync(StanzaContext context)
    {
        if (Stanza.Type(context.Stanza) is not null || context.From is not ClientSession session)
        {
            return Handling.Continue;
        }

        var hash = await hashes.GetAsync(session.Account, context.CancellationToken).ConfigureAwait(false);
        var update = context.Stanza.Child("x", AvatarNamespaces.Update);
        if (hash.Length > 0 && update?.Child("photo", AvatarNamespaces.Update) is null)
        {
            (update ?? context.Stanza.AddElement("x", AvatarNamespaces.Update)).AddElement("photo", AvatarNamespaces.Update).AddText(hash);
        }

        return Handling.Continue;
    }

    /// <summary>§3.1: metadata published; the image it names (the info without a url) becomes the vCard's photo; no info removes it.</summary>
    private async ValueTask OnPepChangedAsync(PepNodeChanged changed)
    {
        if (changed.Node != AvatarNamespaces.Metadata || changed.Published is not { } metadata)
        {
            return;
        }

        var account = changed.Account;
        try
        {
            VCardPhoto? photo = null;
            var infos = metadata.Children("info", AvatarNamespaces.Metadata).ToList();
            if (infos.Find(i => i.GetAttribute("url") is null) is { } info)
            {
                photo = await ImageAsync(account, info).ConfigureAwait(false);
                if (photo is null)
                {
                    return;
                }
            }
            else if (infos.Count > 0)
            {
                PepLog.AvatarNotConverted(logger, account.ToString(), "the metadata names only external images");
                return;
            }

            var stored = await vcards.GetAsync(account, CancellationToken.None).ConfigureAwait(false);
            var vcard = stored is null ? new Element("vCard", Namespaces.VCard) : StoredXml.Read(stored);
            VCardPhoto.Write(vcard, photo);
            var xml = StoredXml.Write(vcard);
            if (StoredXml.Size(xml) > options.Value.Limits.MaxVCardBytes)
            {
                PepLog.AvatarNotConverted(logger, account.ToString(), $"the vCard would exceed Limits:MaxVCardBytes ({options.Value.Limits.MaxVCardBytes})");
                return;
            }

            // Straight to the store: this is the server's write, not the account's vCard set (no §3.2 back).
            await vcards.SetAsync(account, xml, CancellationToken.None).ConfigureAwait(false);
            hashes.Set(account, photo?.Hash ?? "");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PepLog.MirrorFailed(logger, account.ToString(), "avatar into its vCard", e);
        }
    }

    /// <summary>The published image the info names, checked against its id (§3.1 SHOULD), or null.</summary>
    private async ValueTask<VCardPhoto?> ImageAsync(Jid account, Element info)
    {
        var id = info.GetAttribute("id") ?? "";
        var items = await pep.ItemsAsync(account, AvatarNamespaces.Data, null, [id], CancellationToken.None).ConfigureAwait(false);
        var bytes = items is [var item, ..] ? VCardPhoto.Decode(StoredXml.Read(item.Xml).Text) : null;
        if (bytes is null || VCardPhoto.HashOf(bytes) != id)
        {
            PepLog.AvatarNotConverted(logger, account.ToString(), bytes is null ? $"no image {id} in {AvatarNamespaces.Data}" : $"the image's SHA-1 is not its id {id}");
            return null;
        }

        return new VCardPhoto(info.GetAttribute("type") ?? "image/png", bytes);
    }

    /// <summary>§3.2: a vCard set with a photo publishes its data, then metadata naming it; one without, when PEP still shows an image, disables it (XEP-0084 §4.5).</summary>
    private async ValueTask OnVCardStoredAsync(VCardStored stored)
    {
        var account = stored.Account;
        try
        {
            var photo = VCardPhoto.Read(stored.VCard);
            var hash = photo?.Hash ?? "";
            hashes.Set(account, hash);
            var current = await pep.ItemsAsync(account, AvatarNamespaces.Metadata, 1, null, CancellationToken.None).ConfigureAwait(false);
            var shown = current is [var item, ..] && StoredXml.Read(item.Xml).Child("info", AvatarNamespaces.Metadata) is not null ? item.Id : "";
            if (shown == hash)
            {
                // The same image (a vCard edited elsewhere, or the one this module wrote): nothing to publish.
                return;
            }

            var metadata = new Element("metadata", AvatarNamespaces.Metadata);
            if (photo is not null)
            {
                var data = new Element("data", AvatarNamespaces.Data).AddText(Convert.ToBase64String(photo.Bytes));
                if (await publisher.PublishAsync(account, AvatarNamespaces.Data, hash, data, null, NodeConfig.Default, CancellationToken.None).ConfigureAwait(false) is { } refused)
                {
                    PepLog.AvatarNotConverted(logger, account.ToString(), refused.Text ?? refused.Condition.ToString());
                    return;
                }

                metadata.AddElement("info", AvatarNamespaces.Metadata)
                    .SetAttribute("bytes", photo.Bytes.Length.ToString(CultureInfo.InvariantCulture))
                    .SetAttribute("id", hash)
                    .SetAttribute("type", photo.Type);
            }

            await publisher.PublishAsync(account, AvatarNamespaces.Metadata, photo is null ? "current" : hash, metadata, null, NodeConfig.Default, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PepLog.MirrorFailed(logger, account.ToString(), "vCard photo into PEP", e);
        }
    }

    private ValueTask OnSessionClosedAsync(SessionClosed closed)
    {
        if (sessions.Resources(closed.Session.Account).Count == 0)
        {
            hashes.Forget(closed.Session.Account);
        }

        return ValueTask.CompletedTask;
    }
}
