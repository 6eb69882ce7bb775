using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Blocking;

/// <summary>
/// XEP-0191 blocking command: an account's blocklist (get, block, unblock, pushes to the
/// resources that asked for it), enforced by one filter on every stanza, routed or generated
/// (<see cref="ModuleMap.Filter"/>): nothing from a blocked JID reaches the account, and nothing
/// the account sends, or the server sends for it, reaches a blocked JID.
/// </summary>
internal sealed class BlockingModule(Blocklists blocklists, ISessionDirectory sessions, StanzaDelivery delivery, EventBus events, IOptions<ParleyOptions> options) : IXmppModule
{
    // XEP-0191 §3.3: the user's own stanzas to a blocked JID get not-acceptable with <blocked/>.
    private static readonly StanzaError Blocked = new(
        StanzaErrorType.Cancel, StanzaErrorCondition.NotAcceptable, null, new Element("blocked", Namespaces.BlockingErrors));

    // XEP-0191 §3.3: a blocked JID's messages and IQ get/set get service-unavailable, so the user
    // appears offline; its presence, results and errors are dropped (Unhandled never answers them).
    private static readonly StanzaError Unavailable = StanzaError.Of(StanzaErrorCondition.ServiceUnavailable);

    private long _pushes;

    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.Blocking);
        map.Iq("get", "blocklist", Namespaces.Blocking, Addressed.Account, GetAsync);
        map.Iq("set", "block", Namespaces.Blocking, Addressed.Account, BlockAsync);
        map.Iq("set", "unblock", Namespaces.Blocking, Addressed.Account, UnblockAsync);
        map.Filter(FilterAsync);
        map.On<SessionBound>(bound => new ValueTask(blocklists.LoadAsync(bound.Session.Account, CancellationToken.None)));
        map.On<SessionClosed>(OnSessionClosedAsync);
    }

    private async ValueTask<StanzaError?> FilterAsync(StanzaContext context)
    {
        var to = context.To!;
        if (context.From.IsServerItself || context.Addressed == Addressed.Server || to.Bare.Equals(context.From.Account))
        {
            // The server itself and one's own account are never blocked: blocking them would cut the
            // session off, and what the server itself must send (XEP-0191 §3.3 unavailable) would not arrive.
            return null;
        }

        // Another domain's users keep their own blocklists; a local sender's is checked here.
        if (context.From.Kind != OriginKind.RemoteServer
            && (await blocklists.GetAsync(context.From.Account, context.CancellationToken).ConfigureAwait(false)).Matches(to))
        {
            return Blocked;
        }

        // Another domain's users and components keep their own blocklists; a local account's is checked here.
        if ((context.Addressed & (Addressed.Remote | Addressed.Component)) == 0
            && (await blocklists.GetAsync(to.Bare, context.CancellationToken).ConfigureAwait(false)).Matches(context.From.Jid))
        {
            return Unavailable;
        }

        return null;
    }

    private async ValueTask<IqReply> GetAsync(IqContext context)
    {
        if (NotOwn(context) is { } refusal)
        {
            return refusal;
        }

        // XEP-0191 §3.3: pushes go to the resources that retrieved the blocklist; kept in the session.
        context.Session!.Features.Set(BlocklistInterest.Instance);

        var list = await blocklists.GetAsync(context.To, context.CancellationToken).ConfigureAwait(false);
        return IqReply.Result(Payload("blocklist", list.Items));
    }

    private async ValueTask<IqReply> BlockAsync(IqContext context)
    {
        if (NotOwn(context) is { } refusal)
        {
            return refusal;
        }

        if (ReadItems(context.Payload, out var items) is { } invalid)
        {
            return invalid;
        }

        if (items.Count == 0)
        {
            // XEP-0191 §3.3: a block without an item is bad-request.
            return IqReply.Fail(StanzaErrorCondition.BadRequest, "Name at least one JID to block");
        }

        var max = options.Value.Limits.MaxBlocklistItems;
        if (!await blocklists.BlockAsync(context.To, items, max, context.CancellationToken).ConfigureAwait(false))
        {
            return IqReply.Fail(StanzaErrorCondition.PolicyViolation, $"A blocklist holds at most {max} JIDs");
        }

        Push(context.To, "block", items);
        await AnnounceUnavailableAsync(context.To, items, context.CancellationToken).ConfigureAwait(false);
        return IqReply.Empty;
    }

    private async ValueTask<IqReply> UnblockAsync(IqContext context)
    {
        if (NotOwn(context) is { } refusal)
        {
            return refusal;
        }

        if (ReadItems(context.Payload, out var items) is { } invalid)
        {
            return invalid;
        }

        // XEP-0191 §3.4, §3.5: an unblock without items unblocks every JID. Read before the change
        // only to tell Unblocked whom; the presence it causes still passes the blocklists.
        var unblocked = items.Count == 0 ? (await blocklists.GetAsync(context.To, context.CancellationToken).ConfigureAwait(false)).Items : items;
        await blocklists.UnblockAsync(context.To, items.Count == 0 ? null : items, context.CancellationToken).ConfigureAwait(false);
        Push(context.To, "unblock", items);
        await events.PublishAsync(new Unblocked(context.To, unblocked)).ConfigureAwait(false);

        return IqReply.Empty;
    }

    /// <summary>XEP-0191 §3.2-§3.5: the blocklist is handled by the user's server for the user alone.</summary>
    private static IqReply? NotOwn(IqContext context) =>
        context.To.Equals(context.Session?.Account) ? null : IqReply.Fail(StanzaErrorCondition.Forbidden);

    /// <summary>The JIDs of the &lt;item/&gt; children, prepared; an error when one is missing or malformed.</summary>
    private static IqReply? ReadItems(Element command, out List<Jid> items)
    {
        items = [];
        foreach (var item in command.Children("item", Namespaces.Blocking))
        {
            var value = item.GetAttribute("jid");
            if (value is null)
            {
                return IqReply.Fail(StanzaErrorCondition.BadRequest, "An item needs a jid");
            }

            if (!Jid.TryParse(value, out var jid))
            {
                // RFC 6120 §8.3.3.8: an address that does not prepare.
                return IqReply.Fail(StanzaErrorCondition.JidMalformed);
            }

            items.Add(jid);
        }

        return null;
    }

    /// <summary>XEP-0191 §3.3-§3.5: every resource that retrieved the blocklist learns of the change.</summary>
    private void Push(Jid account, string command, IReadOnlyList<Jid> items)
    {
        foreach (var resource in sessions.Resources(account))
        {
            if (resource.Features.Get<BlocklistInterest>() is not null)
            {
                var push = new Element("iq", Namespaces.Client)
                    .SetAttribute("type", "set")
                    .SetAttribute("id", "block-push-" + Interlocked.Increment(ref _pushes).ToString(CultureInfo.InvariantCulture))
                    .SetAttribute("to", resource.Jid.ToString());
                push.Add(Payload(command, items));
                resource.Send(push);
            }
        }
    }

    /// <summary>
    /// XEP-0191 §3.3: a newly blocked contact is sent unavailable presence from each of the user's
    /// available resources, by the server itself (so the block does not stop it). Whether the contact
    /// was allowed to see presence at all is the roster's knowledge, and unavailable tells nothing new.
    /// </summary>
    private async ValueTask AnnounceUnavailableAsync(Jid account, List<Jid> items, CancellationToken cancellationToken)
    {
        var own = sessions.Snapshot(account).Where(r => r.IsAvailable).ToList();
        if (own.Count == 0)
        {
            return;
        }

        var server = Origin.ServerOf(account);
        foreach (var item in items)
        {
            if (item.Local is null || item.Bare.Equals(account))
            {
                continue;
            }

            foreach (var resource in own)
            {
                var unavailable = new Element("presence", Namespaces.Client)
                    .SetAttribute("from", resource.Jid.ToString())
                    .SetAttribute("to", item.ToString())
                    .SetAttribute("type", "unavailable");
                await delivery.SendAsync(server, unavailable, item, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private ValueTask OnSessionClosedAsync(SessionClosed closed) => new(blocklists.ForgetIfOfflineAsync(closed.Session.Account));

    private static Element Payload(string name, IEnumerable<Jid> items)
    {
        var payload = new Element(name, Namespaces.Blocking);
        foreach (var item in items)
        {
            payload.AddElement("item").SetAttribute("jid", item.ToString());
        }

        return payload;
    }

    private sealed class BlocklistInterest
    {
        public static readonly BlocklistInterest Instance = new();
    }
}
