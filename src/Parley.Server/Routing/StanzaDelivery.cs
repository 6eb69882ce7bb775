using Parley.Server.Modules;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>
/// The one way out. Every stanza the server emits leaves through here, whether a client sent it
/// (after <see cref="StanzaRouter"/> checked it and ran the sender-side chain) or a module generated
/// or relayed it (presence broadcasts, probes and their answers, subscription stanzas, replies,
/// bounces): the addressee is resolved once — another domain (federation), a component domain (its
/// <see cref="IComponentHandler"/>), or a local domain,
/// account or resource (the stanza filters, then the modules' recipient-side chains, whose last
/// step is <see cref="ClientSession.Send"/> with the session's outbound filters). Modules never
/// ask whether a JID is local. Nothing here waits on another session's socket.
/// </summary>
internal sealed class StanzaDelivery(
    ModuleDispatcher modules,
    ISessionDirectory sessions,
    HostedDomains domains,
    IRemoteRouter remote)
{
    private readonly PendingQueries _queries = new();

    /// <summary>
    /// Sends a stanza a module generates or relays, 'from' and 'to' set as they should be seen.
    /// <paramref name="from"/> is whom it is sent for: its filters apply (XEP-0191) unless it is the
    /// server itself, and it hears of a failure. To another domain the stanza is queued on the
    /// stream to that domain; to a local address it meets the recipient-side modules as a routed
    /// stanza would (presence to a bare JID reaches every available resource, a subscription stanza
    /// the contact's roster).
    /// </summary>
    public async ValueTask SendAsync(Origin from, Element stanza, Jid to, CancellationToken cancellationToken)
    {
        var addressed = Classify(to);
        if (addressed != Addressed.Remote
            && await modules.FilterAsync(new StanzaContext(stanza, from, to, addressed, cancellationToken)).ConfigureAwait(false) is { } refusal)
        {
            Bounce(from, stanza, refusal);
            return;
        }

        await DispatchAsync(from, stanza, to, addressed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The last step to one resource when a module fans a stanza out to an account's resources (the
    /// bare-JID rules of RFC 6121 §8.5.2): the stanza filters for that resource's full JID, then the
    /// session's outbound filters. False when a filter refused it or the session could not take it.
    /// </summary>
    public async ValueTask<bool> DeliverAsync(Origin from, Element stanza, ClientSession recipient, CancellationToken cancellationToken)
    {
        if (await modules.FilterAsync(new StanzaContext(stanza, from, recipient.Jid, Addressed.Resource, cancellationToken)).ConfigureAwait(false) is not null)
        {
            return false;
        }

        return recipient.Send(stanza);
    }

    /// <summary>
    /// Answers an origin (IQ results and errors, bounces): a local session directly; another domain's
    /// server through the stream to its domain; the server itself never hears back.
    /// </summary>
    public void Reply(Origin to, Element stanza)
    {
        switch (to)
        {
            case ClientSession session:
                session.Send(stanza);
                break;
            case { Kind: OriginKind.Server }:
                break;
            case { Kind: OriginKind.Component }:
                // A component's handler queues without waiting on its connection (IComponentHandler.DeliverAsync).
                _ = ToComponentAsync(stanza, to.Jid, bounceTo: null, CancellationToken.None).AsTask();
                break;
            default:
                // The reply's 'from' is the address the original was sent to: a hosted domain's.
                var from = Jid.TryParse(stanza.GetAttribute("from"), out var stamped) ? stamped : Jid.Create(null, domains.Default);
                ToRemote(from, stanza, to.Jid, bounceTo: null);
                break;
        }
    }

    /// <summary>
    /// The single place that answers stanzas nobody could take, by <see cref="Unhandled"/>'s rule
    /// (never an error to an error, never to a result, nothing for presence).
    /// </summary>
    public void Bounce(Origin origin, Element stanza, StanzaErrorCondition condition, string? text = null) =>
        Bounce(origin, stanza, StanzaError.Of(condition, text));

    /// <inheritdoc cref="Bounce(Origin, Element, StanzaErrorCondition, string?)"/>
    public void Bounce(Origin origin, Element stanza, StanzaError error)
    {
        if (Unhandled.Answers(stanza))
        {
            Reply(origin, Stanza.ErrorReply(stanza, error));
        }
    }

    /// <summary>
    /// Sends an IQ get the server asks on its own behalf (<paramref name="from"/> a hosted domain) and
    /// returns the answer, result or error; null when none came within <paramref name="timeout"/>. The
    /// request's id is set here.
    /// </summary>
    public async Task<Element?> AskAsync(Jid from, Element iq, Jid to, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (id, answer) = _queries.Expect(to);
        try
        {
            iq.SetAttribute("id", id).SetAttribute("from", from.ToString()).SetAttribute("to", to.ToString());
            await SendAsync(Origin.ServerOf(from), iq, to, cancellationToken).ConfigureAwait(false);
            return await answer.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _queries.Forget(id);
        }
    }

    /// <summary>Whom a 'to' names: another domain, a component domain, a hosted domain, one of its accounts, or a resource.</summary>
    public Addressed Classify(Jid to) =>
        // Components are looked for only off the user-domain path, so local traffic pays nothing for them.
        !domains.Contains(to.Domain) ? (domains.TryGetComponent(to.Domain, out _) ? Addressed.Component : Addressed.Remote)
        : to.Local is null ? Addressed.Server
        : to.Resource is null ? Addressed.Account
        : Addressed.Resource;

    /// <summary>
    /// Delivers a stanza whose addressee is classified and whose filters passed: to another domain,
    /// or to the recipient-side modules (IQs by key, message and presence chains). An IQ or a message
    /// nobody takes is answered with service-unavailable (RFC 6120 §8.2.3, RFC 6121 §8.5.2.2.1).
    /// </summary>
    internal async ValueTask DispatchAsync(Origin origin, Element stanza, Jid? to, Addressed addressed, CancellationToken cancellationToken)
    {
        if (addressed == Addressed.Remote)
        {
            ToRemote(origin.Jid, stanza, to!, origin);
            return;
        }

        if (addressed == Addressed.Component)
        {
            await ToComponentAsync(stanza, to!, origin, cancellationToken).ConfigureAwait(false);
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
                    Bounce(origin, stanza, StanzaErrorCondition.ServiceUnavailable);
                }

                break;
            default:
                await ModuleDispatcher.RunChainAsync(modules.PresenceHandlers, new StanzaContext(stanza, origin, to, addressed, cancellationToken)).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>RFC 6120 §10.4: queued on the stream of the (hosted, remote) domain pair; 'to' stamped when the generator left it out.</summary>
    private void ToRemote(Jid from, Element stanza, Jid to, Origin? bounceTo)
    {
        if (stanza.GetAttribute("to") is null)
        {
            // RFC 6121 §4.2.2: the user's server stamps each contact's address on a broadcast.
            stanza = stanza.Clone().SetAttribute("to", to.ToString());
        }

        if (!remote.TrySend(stanza, from, to) && bounceTo is not null && Unhandled.AnswersUnreachable(stanza))
        {
            // RFC 6120 §10.4.3: federation is off, so the domain cannot be reached (presence too).
            Reply(bounceTo, Stanza.ErrorReply(stanza, StanzaError.Of(StanzaErrorCondition.RemoteServerNotFound)));
        }
    }

    /// <summary>
    /// A component domain's stanzas go to its handler (XEP-0114 §1: the server routes, the component
    /// decides); when it cannot take them, service-unavailable as for any entity that is not there (RFC 6120 §8.3.3.19).
    /// </summary>
    private async ValueTask ToComponentAsync(Element stanza, Jid to, Origin? bounceTo, CancellationToken cancellationToken)
    {
        if (!domains.TryGetComponent(to.Domain, out var component)
            || !await component.DeliverAsync(stanza, to, cancellationToken).ConfigureAwait(false))
        {
            if (bounceTo is not null)
            {
                Bounce(bounceTo, stanza, StanzaErrorCondition.ServiceUnavailable);
            }
        }
    }

    private async ValueTask DispatchIqAsync(Origin origin, Element iq, Jid to, Addressed addressed, CancellationToken cancellationToken)
    {
        var type = Stanza.Type(iq)!;
        if (addressed == Addressed.Resource)
        {
            // RFC 6121 §8.5.3.1: an IQ to a full JID goes to that resource or gets service-unavailable.
            if (!sessions.TryDeliver(to, iq))
            {
                Bounce(origin, iq, StanzaErrorCondition.ServiceUnavailable);
            }

            return;
        }

        if (type is "result" or "error")
        {
            // Answers to what the server asked (AskAsync) complete the request; answers to requests
            // the server never sent are dropped, and never an error to an error.
            _queries.TryComplete(origin.Jid, iq);
            return;
        }

        var payload = iq.FirstElement!;
        var handler = modules.FindIq(new IqKey(type, payload.Name, payload.Namespace), addressed);
        if (handler is null)
        {
            // RFC 6120 §8.2.3 / §10.3.3: every get and set is answered; nobody handles this namespace.
            Bounce(origin, iq, StanzaErrorCondition.ServiceUnavailable);
            return;
        }

        var reply = await handler(new IqContext(iq, payload, origin, to, addressed, to.Domain, true, cancellationToken)).ConfigureAwait(false);
        Reply(origin, reply.Error is { } error ? Stanza.ErrorReply(iq, error) : Stanza.IqResult(iq, reply.Payload));
    }
}
