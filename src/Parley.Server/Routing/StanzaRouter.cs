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
/// RFC 6120 §8 and §10 for stanzas that enter the server: from bound client sessions (validate,
/// stamp 'from', prepare 'to', the stanza filters, then the sender-side chain) and from other
/// domains' servers (their addresses already checked by the stream). What is left is handed to
/// <see cref="StanzaDelivery"/>, the one way out. RFC 6121 delivery rules live in the Messages and
/// Presence modules. Runs on the sender's read loop, which keeps per-sender order (§10.1).
/// </summary>
internal sealed class StanzaRouter(
    ModuleDispatcher modules,
    StanzaDelivery delivery,
    ISessionDirectory sessions,
    IAccountStore accounts,
    ILogger<StanzaRouter> logger)
{
    /// <summary>A top-level element from a bound client: a stanza, or a stream element a module handles.</summary>
    public async ValueTask RouteAsync(ClientSession origin, Element stanza, CancellationToken cancellationToken)
    {
        if (!Stanza.IsStanza(stanza) || stanza.Namespace != Namespaces.Client)
        {
            if (modules.FindStreamElement(stanza.Name, stanza.Namespace) is { } handler)
            {
                // A non-stanza element a module declared (stream management, client state indication).
                await handler(origin, stanza, cancellationToken).ConfigureAwait(false);
                return;
            }

            // RFC 6120 §4.9.3.24: a first-level child that is not a stanza of the stream's namespace.
            throw new StreamErrorException(StreamErrorCondition.UnsupportedStanzaType);
        }

        // XEP-0198 §4: what the client's acknowledgements are checked against, whatever becomes of the stanza.
        origin.CountReceived();
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
            delivery.Bounce(origin, stanza, StanzaErrorCondition.JidMalformed);
            return;
        }

        await RouteAddressedAsync(origin, stanza, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A stanza from another domain's server (Federation) or a component: its 'from' was checked
    /// against what the stream authenticated and its 'to' names a hosted domain (RFC 6120 §8.1.1.1,
    /// §13.1). It meets the recipient side only: the sender-side chain is for this server's clients.
    /// </summary>
    public async ValueTask RouteFromRemoteAsync(Origin origin, Element stanza, Jid to, CancellationToken cancellationToken)
    {
        if (logger.IsEnabled(LogLevel.Trace))
        {
            RoutingLog.Routing(logger, origin.Jid.ToString(), stanza.Name, Stanza.Type(stanza), stanza.GetAttribute("id"), stanza.GetAttribute("to"));
        }

        await RouteAddressedAsync(origin, stanza, to, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RouteAddressedAsync(Origin origin, Element stanza, Jid? to, CancellationToken cancellationToken)
    {
        if (stanza.Name == "iq" && !IsValidIq(stanza))
        {
            // RFC 6120 §8.2.3: an id, a known type, and exactly one payload child for get and set.
            delivery.Bounce(origin, stanza, StanzaErrorCondition.BadRequest);
            return;
        }

        try
        {
            await DispatchAsync(origin, stanza, to, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not StreamErrorException and not OperationCanceledException)
        {
            RoutingLog.HandlerFailed(logger, origin.Jid.ToString(), e);
            delivery.Bounce(origin, stanza, StanzaErrorCondition.InternalServerError);
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

    private static bool IsValidIq(Element iq)
    {
        var type = Stanza.Type(iq);
        return iq.GetAttribute("id") is not null && type switch
        {
            "get" or "set" => iq.ElementCount == 1,
            "result" => iq.ElementCount <= 1,
            "error" => true,
            _ => false,
        };
    }

    private async ValueTask DispatchAsync(Origin origin, Element stanza, Jid? to, CancellationToken cancellationToken)
    {
        // RFC 6120 §10.3: no 'to' means the sender's own account (presence: a broadcast).
        var addressed = to is null ? Addressed.Account : delivery.Classify(to);
        if (addressed is Addressed.Account or Addressed.Resource && to is not null
            && !await AccountExistsAsync(to.Bare, cancellationToken).ConfigureAwait(false))
        {
            // RFC 6120 §10.5.3.1 / RFC 6121 §8.5.1: same answer as an account with no resources would
            // give for IQs, so the error does not tell more than necessary; messages by type (MessageRules).
            if (stanza.Name != "message"
                || MessageRules.Decide(MessageRules.ParseType(Stanza.Type(stanza)), Recipient.UnknownAccount) == MessageAction.Bounce)
            {
                delivery.Bounce(origin, stanza, StanzaErrorCondition.ServiceUnavailable);
            }

            return;
        }

        var context = new StanzaContext(stanza, origin, to, addressed, cancellationToken);
        if (to is not null && await modules.FilterAsync(context).ConfigureAwait(false) is { } refusal)
        {
            // A module's filter (XEP-0191 blocking) refused the stanza before any handler or domain saw it.
            delivery.Bounce(origin, stanza, refusal);
            return;
        }

        // The sender side: what this server's own clients send, whatever the addressee (RFC 6121 §3.1.2:
        // the user's server records an outbound subscription before the stanza leaves); Done keeps it here.
        if (origin.Kind == OriginKind.LocalSession
            && await modules.RunOutgoingAsync(KindOf(stanza), context).ConfigureAwait(false))
        {
            return;
        }

        await delivery.DispatchAsync(origin, stanza, to, addressed, cancellationToken).ConfigureAwait(false);
    }

    private static StanzaKinds KindOf(Element stanza) => stanza.Name switch
    {
        "message" => StanzaKinds.Message,
        "presence" => StanzaKinds.Presence,
        _ => StanzaKinds.Iq,
    };

    private async ValueTask<bool> AccountExistsAsync(Jid account, CancellationToken cancellationToken) =>
        sessions.Resources(account).Count > 0 || await accounts.ExistsAsync(account, cancellationToken).ConfigureAwait(false);
}
