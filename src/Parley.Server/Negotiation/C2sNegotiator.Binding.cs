using System.Security.Cryptography;
using Parley.Server.Diagnostics;
using Parley.Server.Modules;
using Parley.Server.Modules.Events;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Negotiation;

/// <summary>RFC 6120 §7 resource binding, and the pre-authentication IQs modules allow (XEP-0077).</summary>
internal sealed partial class C2sNegotiator
{
    private async ValueTask<NegotiationAction> BindAsync(Element iq, CancellationToken cancellationToken)
    {
        var bind = iq.Child("bind", Namespaces.Bind);
        if (bind is null || Stanza.Type(iq) != "set" || iq.GetAttribute("id") is null || iq.ElementCount != 1)
        {
            // RFC 6120 §7.1: no other stanza before a resource is bound.
            throw new StreamErrorException(StreamErrorCondition.NotAuthorized);
        }

        Jid full;
        var requested = bind.ChildText("resource", Namespaces.Bind);
        if (string.IsNullOrEmpty(requested))
        {
            // RFC 6120 §7.6.2.1: a server-generated resource, unique and not predictable.
            full = Jid.Create(_account!.Local, _account.Domain, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        }
        else
        {
            try
            {
                full = Jid.Create(_account!.Local, _account.Domain, requested);
            }
            catch (FormatException)
            {
                // RFC 6120 §7.7.2.1: a resource that cannot be prepared is bad-request.
                output.Send(Stanza.ErrorReply(iq, StanzaError.Of(StanzaErrorCondition.BadRequest)));
                return NegotiationAction.None;
            }
        }

        var session = new ClientSession(full, endpoint, services.Modules.OutboundFilters);
        var outcome = services.Sessions.TryBind(session, services.Options.Limits.MaxResourcesPerAccount);
        if (outcome.Status == BindStatus.TooManyResources)
        {
            // RFC 6120 §7.6.2.1: the account has reached its limit of bound resources.
            output.Send(Stanza.ErrorReply(iq, StanzaError.Of(StanzaErrorCondition.ResourceConstraint)));
            return NegotiationAction.None;
        }

        if (outcome.Replaced is { } replaced)
        {
            // RFC 6120 §7.7.2.2: the new session wins; the old one ends with <conflict/>.
            NegotiationLog.Replaced(services.Logger, replaced.Jid.ToString());
            replaced.Endpoint.Terminate(StreamErrorCondition.Conflict, "Replaced by a new connection");
        }

        Session = session;
        NegotiationLog.Bound(services.Logger, endpoint.ConnectionId, full.ToString());
        var result = new Element("bind", Namespaces.Bind);
        result.AddElement("jid").AddText(full.ToString());
        output.Send(Stanza.IqResult(iq, result));
        await services.Modules.PublishAsync(new SessionBound(session)).ConfigureAwait(false);
        return NegotiationAction.Bound;
    }

    /// <summary>IQs a module serves before authentication (in-band registration); false when none does.</summary>
    private async ValueTask<bool> TryPreAuthenticationIqAsync(Element iq, CancellationToken cancellationToken)
    {
        var type = Stanza.Type(iq);
        if (type is not ("get" or "set") || iq.GetAttribute("id") is null || iq.ElementCount != 1)
        {
            return false;
        }

        var payload = iq.FirstElement!;
        var handler = services.Modules.FindIq(new IqKey(type, payload.Name, payload.Namespace), Addressed.Unauthenticated);
        if (handler is null)
        {
            return false;
        }

        if (type == "set" && ++_preAuthenticationSets > services.Options.Limits.RegistrationAttemptsPerStream)
        {
            // Limits:RegistrationAttemptsPerStream: in-band registration is the only set served here,
            // and each attempt may cost key derivations; the stream ends as for SASL retries (RFC 6120 §6.4.5).
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "Too many registration attempts");
        }

        var domain = Jid.Create(null, _domain!);
        var reply = await handler(new IqContext(iq, payload, null, domain, Addressed.Unauthenticated, _domain!, IsSecure || PlaintextAllowed, cancellationToken, endpoint.RemoteAddress))
            .ConfigureAwait(false);
        output.Send(reply.Error is { } error ? Stanza.ErrorReply(iq, error) : Stanza.IqResult(iq, reply.Payload));
        return true;
    }
}
