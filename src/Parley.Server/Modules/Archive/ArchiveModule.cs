using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Roster;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// XEP-0313 message archive management with XEP-0359 stanza ids and XEP-0059 paging. Both
/// directions are archived: on the sender side what a local client sends (to any domain), on the
/// recipient side what reaches a local account (from anyone, before delivery or offline storage,
/// so offline messages are archived too and carry their stanza-id). The recipient's copy is
/// stamped &lt;stanza-id by='account'/&gt; with its archive id, and forged stanza-ids are removed first.
/// Writes go through <see cref="ArchiveWriter"/>; queries wait for it, so they see every message
/// archived before they were asked.
/// </summary>
internal sealed class ArchiveModule(
    IArchiveStore store,
    ArchiveWriter writer,
    ArchiveQueries queries,
    ArchiveIds ids,
    IRosterStore rosters,
    HostedDomains domains,
    IOptions<ParleyOptions> options,
    TimeProvider time) : IXmppModule
{
    /// <summary>Its registration name (section Modules:Archive); the MUC rooms read its switch too (room archives).</summary>
    public const string Name = "Archive";

    private readonly ArchiveOptions _options = options.Value.Archive;

    private readonly ArchivePreferenceCache _preferences = new(store, ArchivePreferences.Of(
        ArchivePreferences.TryParsePolicy(options.Value.Archive.DefaultPolicy, out var policy) ? policy : ArchivePolicy.Always));

    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.Mam, Addressed.Server | Addressed.Account);
        map.Feature(Namespaces.MamExtended, Addressed.Server | Addressed.Account);
        map.Feature(Namespaces.StanzaId, Addressed.Server | Addressed.Account);
        map.Message(Addressed.Account | Addressed.Resource, ArchiveIncomingAsync, Order.First);
        map.Outgoing(StanzaKinds.Message, Addressed.Server | Addressed.Account | Addressed.Resource | Addressed.Remote | Addressed.Component, ArchiveOutgoingAsync, Order.First);
        map.Outgoing(StanzaKinds.Message, Addressed.Remote | Addressed.Component, UnstampOutgoingAsync, Order.Fallback);
        map.Iq("set", "query", Namespaces.Mam, Addressed.Account, QueryAsync);
        map.Iq("get", "query", Namespaces.Mam, Addressed.Account, FormAsync);
        map.Iq("get", "prefs", Namespaces.Mam, Addressed.Account, GetPreferencesAsync);
        map.Iq("set", "prefs", Namespaces.Mam, Addressed.Account, SetPreferencesAsync);
        map.Iq("get", "metadata", Namespaces.Mam, Addressed.Account, MetadataAsync);
    }

    /// <summary>
    /// Recipient side: into the addressee's archive, stamped with its stanza-id, before delivery. A
    /// local sender's own copy is written here too (<see cref="ArchiveOutgoingAsync"/> left its id on
    /// the message): both rows share one serialization, made once the sender's stamp and any forged
    /// ids are off and before the addressee's is on, so the stored message names neither archive.
    /// </summary>
    private async ValueTask<Handling> ArchiveIncomingAsync(StanzaContext context)
    {
        var message = context.Stanza;
        var senderId = context.From.Kind == OriginKind.LocalSession ? StanzaIds.Take(message, context.From.Account) : null;
        if (!context.From.IsServerItself)
        {
            StanzaIds.StripForged(message, domains);
        }

        var account = (context.To ?? context.From.Account).Bare;
        if (context.From.IsServerItself && StanzaIds.IsStampedBy(message, account))
        {
            // Delivered again by the server (XEP-0198: unacknowledged when its session ended): archived when it first came.
            return Handling.Continue;
        }

        var archived = ArchiveRules.IsArchived(message)
            && await ShouldArchiveAsync(account, context.From.Jid, context.CancellationToken).ConfigureAwait(false);
        if (senderId is null && !archived)
        {
            return Handling.Continue;
        }

        var stanza = StoredXml.Write(message);
        var now = time.GetUtcNow();
        if (senderId is { } sent)
        {
            await writer.EnqueueAsync(new ArchivedMessage(sent, ArchiveOwner.Account(context.From.Account), context.To!, now, stanza), context.CancellationToken).ConfigureAwait(false);
        }

        if (archived)
        {
            var id = ids.Next();
            StanzaIds.Stamp(message, id, account);
            await writer.EnqueueAsync(new ArchivedMessage(id, ArchiveOwner.Account(account), context.From.Jid, now, stanza), context.CancellationToken).ConfigureAwait(false);
        }

        return Handling.Continue;
    }

    /// <summary>
    /// Sender side: into the sender's archive. The message carries the sender's stanza-id from here on,
    /// so the sent carbons (XEP-0280 §7) name the id the sender's other devices find in the archive. To
    /// another domain or a component the row is written now and the stamp comes off again before the
    /// message leaves (<see cref="UnstampOutgoingAsync"/>); to a local account the recipient side takes
    /// the stamp off and writes this row with the recipient's. A message to the sender's own account is
    /// archived once, on the recipient side; one to a hosted domain itself is for the server, not a conversation.
    /// </summary>
    private async ValueTask<Handling> ArchiveOutgoingAsync(StanzaContext context)
    {
        var message = context.Stanza;
        StanzaIds.StripForged(message, domains);
        var account = context.From.Account;
        if (context.To is { } to
            && context.Addressed != Addressed.Server
            && !to.Bare.Equals(account)
            && ArchiveRules.IsArchived(message)
            && await ShouldArchiveAsync(account, to, context.CancellationToken).ConfigureAwait(false))
        {
            var id = ids.Next();
            if (!IsLocalAccount(context.Addressed))
            {
                await writer.EnqueueAsync(new ArchivedMessage(id, ArchiveOwner.Account(account), to, time.GetUtcNow(), StoredXml.Write(message)), context.CancellationToken).ConfigureAwait(false);
            }

            StanzaIds.Stamp(message, id, account);
        }

        return Handling.Continue;
    }

    /// <summary>
    /// Last on the sender side, after the sent carbons: the sender's archive id is the sender's business,
    /// so it does not travel to another domain or a component.
    /// </summary>
    private ValueTask<Handling> UnstampOutgoingAsync(StanzaContext context)
    {
        if (!IsLocalAccount(context.Addressed))
        {
            StanzaIds.Take(context.Stanza, context.From.Account);
        }

        return ValueTask.FromResult(Handling.Continue);
    }

    private static bool IsLocalAccount(Addressed addressed) => addressed is Addressed.Account or Addressed.Resource;

    /// <summary>XEP-0313 §6: the account's lists, then its default; "roster" asks the roster.</summary>
    private async ValueTask<bool> ShouldArchiveAsync(Jid account, Jid contact, CancellationToken cancellationToken)
    {
        var preferences = await _preferences.GetAsync(account, cancellationToken).ConfigureAwait(false);
        return preferences.Decide(contact)
            ?? await rosters.FindAsync(account, contact.Bare, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>XEP-0313 §4.2: results as messages to the asking session, then the IQ result with &lt;fin/&gt; and the XEP-0059 set.</summary>
    private async ValueTask<IqReply> QueryAsync(IqContext context)
    {
        if (Owner(context) is not { } session)
        {
            // XEP-0313 §4.1.1: a user's archive is that user's alone.
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        return await queries.QueryAsync(ArchiveOwner.Account(session.Account), context.Payload, session.Jid, result =>
        {
            session.Send(result);
            return ValueTask.CompletedTask;
        }, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>XEP-0313 §4.1.1: the form a client fills, listing the fields this server supports.</summary>
    private ValueTask<IqReply> FormAsync(IqContext context) =>
        ValueTask.FromResult(Owner(context) is null ? IqReply.Fail(StanzaErrorCondition.Forbidden) : IqReply.Result(ArchiveQueries.Form()));

    /// <summary>XEP-0313 §7 (metadata): the first and last message of the archive, or an empty archive.</summary>
    private async ValueTask<IqReply> MetadataAsync(IqContext context)
    {
        if (Owner(context) is not { } session)
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        return IqReply.Result(await queries.MetadataAsync(ArchiveOwner.Account(session.Account), context.CancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<IqReply> GetPreferencesAsync(IqContext context)
    {
        if (Owner(context) is not { } session)
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        return IqReply.Result(PreferencesElement(await _preferences.GetAsync(session.Account, context.CancellationToken).ConfigureAwait(false)));
    }

    /// <summary>XEP-0313 §6.2: replaces the preferences and answers with them as stored.</summary>
    private async ValueTask<IqReply> SetPreferencesAsync(IqContext context)
    {
        if (Owner(context) is not { } session)
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        var prefs = context.Payload;
        if (!ArchivePreferences.TryParsePolicy(prefs.GetAttribute("default"), out var policy))
        {
            return IqReply.Fail(StanzaErrorCondition.BadRequest, "'default' must be always, never or roster");
        }

        if (!TryReadJids(prefs.Child("always", Namespaces.Mam), out var always) || !TryReadJids(prefs.Child("never", Namespaces.Mam), out var never))
        {
            return IqReply.Fail(StanzaErrorCondition.BadRequest, "a <jid/> is not a JID");
        }

        if (always.Count + never.Count > _options.MaxPreferenceJids)
        {
            return IqReply.Fail(StanzaErrorCondition.PolicyViolation, "too many JIDs in the preferences");
        }

        var preferences = new ArchivePreferences(policy, always, never);
        await _preferences.SetAsync(session.Account, preferences, context.CancellationToken).ConfigureAwait(false);
        return IqReply.Result(PreferencesElement(preferences));
    }

    private static bool TryReadJids(Element? list, out HashSet<Jid> jids)
    {
        jids = [];
        foreach (var item in list?.Children("jid", Namespaces.Mam) ?? [])
        {
            if (!Jid.TryParse(item.Text, out var jid))
            {
                return false;
            }

            jids.Add(jid);
        }

        return true;
    }

    private static Element PreferencesElement(ArchivePreferences preferences)
    {
        var prefs = new Element("prefs", Namespaces.Mam).SetAttribute("default", ArchivePreferences.Name(preferences.Default));
        foreach (var (name, jids) in (ReadOnlySpan<(string, IReadOnlySet<Jid>)>)[("always", preferences.Always), ("never", preferences.Never)])
        {
            var list = prefs.AddElement(name);
            foreach (var jid in jids.Select(j => j.ToString()).Order(StringComparer.Ordinal))
            {
                list.AddElement("jid").AddText(jid);
            }
        }

        return prefs;
    }

    /// <summary>The querying session when it asks about its own account's archive; null for anyone else (forbidden).</summary>
    private static ClientSession? Owner(IqContext context) =>
        context.Session is { } session && session.Account.Equals(context.To.Bare) ? session : null;
}
