using Microsoft.Extensions.Logging;
using Parley.Server.Diagnostics;
using Parley.Server.Modules;
using Parley.Server.Modules.Messages;
using Parley.Server.Sessions;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>
/// RFC 6120 §8 and §10 for stanzas from bound client sessions: validate, stamp 'from', prepare
/// 'to', classify the addressee and dispatch to the modules. RFC 6121 delivery rules live in the
/// Messages and Presence modules. Runs on the sender's read loop, which keeps per-sender order (§10.1).
/// </summary>
internal sealed class StanzaRouter(
    ModuleDispatcher modules,
    ISessionDirectory sessions,
    IAccountStore accounts,
    HostedDomains domains,
    IRemoteRouter remote,
    ILogger<StanzaRouter> logger)
{
    public async ValueTask RouteAsync(ClientSession origin, Element stanza, CancellationToken cancellationToken)
    {
        if (!Stanza.IsStanza(stanza) || stanza.Namespace != Namespaces.Client)
        {
            // RFC 6120 §4.9.3.24: a first-level child that is not a stanza of the stream's namespace.
            throw new StreamErrorException(StreamErrorCondition.UnsupportedStanzaType);
        }

        StampFrom(origin, stanza);
        if (logger.IsEnabled(LogLevel.Trace))
        {
            // Addressing only: payloads may hold secrets (a XEP-0077 password change) and never reach the log.
            RoutingLog.Routing(logger, origin.Jid.ToString(), stanza.Name, Stanza.Type(stanza), stanza.GetAttribute("id"), stanza.GetAttribute("to"));
        }

        var toAttribute = stanza.GetAttribute("to");
        Jid? to = null;
        if (toAttribute is not null && !origin.TryParseAddressee(toAttribute, out to))
        {
            // RFC 6120 §8.3.3.8: an address that does not prepare is jid-malformed.
            Unhandled.Bounce(origin, stanza, StanzaErrorCondition.JidMalformed);
            return;
        }

        await RouteAddressedAsync(origin, stanza, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A stanza from another domain's server (Federation): its 'from' was checked against the domains
    /// authenticated on its stream and its 'to' names a hosted domain (RFC 6120 §8.1.1.1, §13.1), so it
    /// is dispatched as a local sender's would be. The origin's endpoint sends replies back out.
    /// </summary>
    public async ValueTask RouteFromRemoteAsync(ClientSession origin, Element stanza, Jid to, CancellationToken cancellationToken)
    {
        if (logger.IsEnabled(LogLevel.Trace))
        {
            RoutingLog.Routing(logger, origin.Jid.ToString(), stanza.Name, Stanza.Type(stanza), stanza.GetAttribute("id"), stanza.GetAttribute("to"));
        }

        await RouteAddressedAsync(origin, stanza, to, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RouteAddressedAsync(ClientSession origin, Element stanza, Jid? to, CancellationToken cancellationToken)
    {
        if (stanza.Name == "iq" && !IsValidIq(origin, stanza))
        {
            return;
        }

        try
        {
            await DispatchAsync(origin, stanza, to, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not StreamErrorException and not OperationCanceledException)
        {
            RoutingLog.HandlerFailed(logger, origin.Jid.ToString(), e);
            Unhandled.Bounce(origin, stanza, StanzaErrorCondition.InternalServerError);
        }
    }

    /// <summary>
    /// RFC 6120 §8.1.2.1: a client may only claim its own full or bare JID; the server stamps the
    /// full JID either way, so recipients can trust 'from'.
    /// </summary>
    private static void StampFrom(ClientSession origin, Element stanza)
    {
        var from = stanza.GetAttribute("from");
        if (from is not null
            && !(Jid.TryParse(from, out var claimed) && (claimed.Equals(origin.Jid) || claimed.Equals(origin.Account))))
        {
            throw new StreamErrorException(StreamErrorCondition.InvalidFrom);
        }

        stanza.SetAttribute("from", origin.Jid.ToString());
    }

    /// <summary>RFC 6120 §8.2.3: an id, a known type, and exactly one payload child for get and set.</summary>
    private static bool IsValidIq(ClientSession origin, Element iq)
    {
        var type = Stanza.Type(iq);
        var valid = iq.GetAttribute("id") is not null && type switch
        {
            "get" or "set" => iq.ElementCount == 1,
            "result" => iq.ElementCount <= 1,
            "error" => true,
            _ => false,
        };
        if (!valid)
        {
            Unhandled.Bounce(origin, iq, StanzaErrorCondition.BadRequest);
        }

        return valid;
    }

    private async ValueTask DispatchAsync(ClientSession origin, Element stanza, Jid? to, CancellationToken cancellationToken)
    {
        Addressed addressed;
        IComponentHandler? component = null;
        if (to is null)
        {
            // RFC 6120 §10.3: no 'to' means the sender's own account (presence: a broadcast).
            addressed = Addressed.Account;
        }
        else if (!domains.Contains(to.Domain))
        {
            // Checked only off the user-domain path, so local traffic pays nothing for components.
            addressed = domains.TryGetComponent(to.Domain, out component) ? Addressed.Component : Addressed.Remote;
        }
        else if (to.Local is null)
        {
            addressed = Addressed.Server;
        }
        else
        {
            addressed = to.Resource is null ? Addressed.Account : Addressed.Resource;
            if (!await AccountExistsAsync(to.Bare, cancellationToken).ConfigureAwait(false))
            {
                // RFC 6120 §10.5.3.1 / RFC 6121 §8.5.1: same answer as an account with no resources would
                // give for IQs, so the error does not tell more than necessary; messages by type (MessageRules).
                if (stanza.Name != "message"
                    || MessageRules.Decide(MessageRules.ParseType(Stanza.Type(stanza)), Recipient.UnknownAccount) == MessageAction.Bounce)
                {
                    Unhandled.Bounce(origin, stanza, StanzaErrorCondition.ServiceUnavailable);
                }

                return;
            }
        }

        if (to is not null && await modules.FilterAsync(new StanzaContext(stanza, origin, to, addressed, cancellationToken)).ConfigureAwait(false) is { } refusal)
        {
            // A module's filter (XEP-0191 blocking) refused the stanza before any handler or domain saw it.
            Unhandled.Bounce(origin, stanza, refusal);
            return;
        }

        if (component is not null)
        {
            if (!await component.DeliverAsync(stanza, to!, cancellationToken).ConfigureAwait(false))
            {
                Unhandled.Bounce(origin, stanza, StanzaErrorCondition.ServiceUnavailable);
            }

            return;
        }

        if (addressed == Addressed.Remote)
        {
            // RFC 6121 §3.1.2: the user's server updates the roster for an outbound subscription
            // stanza before routing it, whatever the contact's domain; so presence meets the chain
            // first, and a handler that finishes it (Done) keeps it from leaving.
            if (stanza.Name != "presence"
                || !await ModuleDispatcher.RunChainAsync(modules.PresenceHandlers, new StanzaContext(stanza, origin, to, addressed, cancellationToken)).ConfigureAwait(false))
            {
                await remote.RouteAsync(origin, stanza, to!, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        switch (stanza.Name)
        {
            case "iq":
                await DispatchIqAsync(origin, stanza, to ?? origin.Account, addressed, cancellationToken).ConfigureAwait(false);
                break;
            case "message":
                if (!await ModuleDispatcher.RunChainAsync(modules.MessageHandlers, new StanzaContext(stanza, origin, to, addressed, cancellationToken)).ConfigureAwait(false))
                {
                    Unhandled.Bounce(origin, stanza, StanzaErrorCondition.ServiceUnavailable);
                }

                break;
            default:
                await ModuleDispatcher.RunChainAsync(modules.PresenceHandlers, new StanzaContext(stanza, origin, to, addressed, cancellationToken)).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask DispatchIqAsync(ClientSession origin, Element iq, Jid to, Addressed addressed, CancellationToken cancellationToken)
    {
        var type = Stanza.Type(iq)!;
        if (addressed == Addressed.Resource)
        {
            // RFC 6121 §8.5.3.1: an IQ to a full JID goes to that resource or gets service-unavailable.
            if (sessions.Find(to) is not { } target || !target.Send(iq))
            {
                Unhandled.Bounce(origin, iq, StanzaErrorCondition.ServiceUnavailable);
            }

            return;
        }

        if (type is "result" or "error")
        {
            // Answers to requests the server never sent: nothing to do, and never an error to an error.
            return;
        }

        var payload = iq.FirstElement!;
        var handler = modules.FindIq(new IqKey(type, payload.Name, payload.Namespace), addressed);
        if (handler is null)
        {
            // RFC 6120 §8.2.3 / §10.3.3: every get and set is answered; nobody handles this namespace.
            Unhandled.Bounce(origin, iq, StanzaErrorCondition.ServiceUnavailable);
            return;
        }

        var reply = await handler(new IqContext(iq, payload, origin, to, addressed, to.Domain, true, cancellationToken)).ConfigureAwait(false);
        origin.Send(reply.Error is { } error ? Stanza.ErrorReply(iq, error) : Stanza.IqResult(iq, reply.Payload));
    }

    private async ValueTask<bool> AccountExistsAsync(Jid account, CancellationToken cancellationToken) =>
        sessions.Resources(account).Count > 0 || await accounts.ExistsAsync(account, cancellationToken).ConfigureAwait(false);
}
