using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Pep;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Push;

/// <summary>
/// XEP-0357 push notifications, the user's server part: the account advertises urn:xmpp:push:0 (§5),
/// its clients enable (§5) and disable (§6) app server registrations, and what arrives for the account
/// while a registered device is not online (a message with a body, a subscription request) is
/// published to that app server by <see cref="PushNotifier"/>.
/// </summary>
internal sealed class PushModule(
    PushRegistrations registrations,
    PushNotifier notifier,
    StanzaDelivery delivery,
    IOptions<PushOptions> options,
    IOptions<ParleyOptions> server,
    TimeProvider time) : IXmppModule
{
    public const string Namespace = "urn:xmpp:push:0";

    public void Map(ModuleMap map)
    {
        map.Feature(Namespace, Addressed.Account);
        map.Iq("set", "enable", Namespace, Addressed.Server | Addressed.Account, EnableAsync);
        map.Iq("set", "disable", Namespace, Addressed.Server | Addressed.Account, DisableAsync);
        // Observers ahead of delivery: they look at where the account's devices are, then let the message go on.
        map.Message(Addressed.Account | Addressed.Resource, MessageArrivedAsync, Order.First);
        map.Presence(Addressed.Account, PresenceArrivedAsync, Order.First);
    }

    /// <summary>
    /// §5: registers the app server ('jid', required) and node (optional) with the client's publish-options
    /// form, stored as given; the app server must be reachable: a component, another domain (with
    /// federation on) or a client's full JID.
    /// </summary>
    private async ValueTask<IqReply> EnableAsync(IqContext context)
    {
        if (Own(context) is not { } session)
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (AppServer(context.Payload, out var refusal) is not { } appServer)
        {
            return refusal;
        }

        switch (delivery.Classify(appServer))
        {
            case Addressed.Server or Addressed.Account:
                // A hosted domain or a bare account would take the publish as its own (PEP), not as an app server.
                return IqReply.Fail(StanzaErrorCondition.NotAcceptable, "The app server must be a component, another domain or a full JID");
            case Addressed.Remote when server.Value.S2s.Port == 0:
                return IqReply.Fail(StanzaErrorCondition.RemoteServerNotFound, "Federation is off: another domain cannot be reached");
        }

        string? publishOptions = null;
        if (context.Payload.Child("x", Namespaces.DataForms) is { } form)
        {
            if (!IsPublishOptions(form))
            {
                return IqReply.Fail(StanzaErrorCondition.BadRequest, "publish-options must be a submitted form of " + PepNamespaces.PublishOptions);
            }

            publishOptions = StoredXml.Write(form);
            if (StoredXml.Size(publishOptions) > options.Value.MaxPublishOptionsBytes)
            {
                return IqReply.Fail(StanzaErrorCondition.NotAcceptable, "publish-options too large");
            }
        }

        var registration = new PushRegistration(session.Account, appServer, context.Payload.GetAttribute("node") ?? "", publishOptions, time.GetUtcNow());
        var device = await registrations.EnableAsync(registration, context.CancellationToken).ConfigureAwait(false);
        session.Features.Set(new PushEnabled(device));
        return IqReply.Empty;
    }

    /// <summary>§6: removes the registration with that app server and node, or every one with that app server when no node is given.</summary>
    private async ValueTask<IqReply> DisableAsync(IqContext context)
    {
        if (Own(context) is not { } session)
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (AppServer(context.Payload, out var refusal) is not { } appServer)
        {
            return refusal;
        }

        await registrations.DisableAsync(session.Account, appServer, context.Payload.GetAttribute("node"), context.CancellationToken).ConfigureAwait(false);
        return IqReply.Empty;
    }

    /// <summary>
    /// §7: a message a user would want to hear of: one with a body, not an error, not a groupchat subject
    /// change; a message the server sends again itself (stream management's redelivery) was notified once already.
    /// </summary>
    private ValueTask<Handling> MessageArrivedAsync(StanzaContext context)
    {
        var message = context.Stanza;
        if (!context.From.IsServerItself
            && message.ChildText("body", Namespaces.Client) is { Length: > 0 } body
            && Stanza.Type(message) is not "error"
            && !(Stanza.Type(message) == "groupchat" && message.Child("subject", Namespaces.Client) is not null))
        {
            notifier.Notify(context.To?.Bare ?? context.From.Account, message.GetAttribute("from"), body, subscription: false);
        }

        return ValueTask.FromResult(Handling.Continue);
    }

    /// <summary>§7: a subscription request is something to answer (pending-subscription-count).</summary>
    private ValueTask<Handling> PresenceArrivedAsync(StanzaContext context)
    {
        // The roster module relays the request as the server, so the contact is read from 'from'.
        if (Stanza.Type(context.Stanza) == "subscribe" && context.To is { } to
            && Jid.TryParse(context.Stanza.GetAttribute("from"), out var contact) && !contact.Bare.Equals(to.Bare))
        {
            notifier.Notify(to.Bare, contact.Bare.ToString(), null, subscription: true);
        }

        return ValueTask.FromResult(Handling.Continue);
    }

    /// <summary>Only a local session manages its own account's registrations.</summary>
    private static ClientSession? Own(IqContext context) =>
        context.Session is { } session && (context.Addressed != Addressed.Account || session.Account.Equals(context.To.Bare)) ? session : null;

    /// <summary>The 'jid' attribute (§5, §6: required), or the error for a missing or malformed one.</summary>
    private static Jid? AppServer(Element payload, out IqReply refusal)
    {
        refusal = default;
        var text = payload.GetAttribute("jid");
        if (text is null)
        {
            refusal = IqReply.Fail(StanzaErrorCondition.BadRequest, "The app server's 'jid' is required");
            return null;
        }

        if (!Jid.TryParse(text, out var jid))
        {
            refusal = IqReply.Fail(StanzaErrorCondition.JidMalformed);
            return null;
        }

        return jid;
    }

    /// <summary>XEP-0357 §5 / XEP-0060 §7.1.5: a submitted form whose FORM_TYPE is publish-options.</summary>
    private static bool IsPublishOptions(Element form) =>
        form.GetAttribute("type") is null or "submit"
        && form.Children("field", Namespaces.DataForms).Any(f => f.GetAttribute("var") == "FORM_TYPE" && f.ChildText("value", Namespaces.DataForms) == PepNamespaces.PublishOptions);
}
