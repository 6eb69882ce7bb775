using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.VCard;

/// <summary>
/// XEP-0054 vcard-temp: an account publishes its own vCard and anyone may read it; the server
/// answers for the account (XEP-0054 §3.3), so the IQ never reaches a resource. Stored vCards
/// are bounded by Limits:MaxVCardBytes.
/// </summary>
internal sealed class VCardModule(IVCardStore store, EventBus events, IOptions<ParleyOptions> options) : IXmppModule
{
    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.VCard, Addressed.Server | Addressed.Account);
        map.Iq("get", "vCard", Namespaces.VCard, Addressed.Account, GetAsync);
        map.Iq("set", "vCard", Namespaces.VCard, Addressed.Account, SetAsync);
    }

    private async ValueTask<IqReply> GetAsync(IqContext context)
    {
        var stored = await store.GetAsync(context.To, context.CancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            return IqReply.Result(StoredXml.Read(stored));
        }

        // XEP-0054 §3.1: one's own missing vCard may be an empty <vCard/>. §3.3: another user's
        // is an error, service-unavailable, the same answer an unknown user gets (RFC 6121 §8.5.1),
        // so the reply does not tell whether the account exists.
        return context.To.Equals(context.Session?.Account)
            ? IqReply.Result(new Element("vCard", Namespaces.VCard))
            : IqReply.Fail(StanzaErrorCondition.ServiceUnavailable);
    }

    private async ValueTask<IqReply> SetAsync(IqContext context)
    {
        if (!context.To.Equals(context.Session?.Account))
        {
            // XEP-0054 §3.2: setting another user's vCard is forbidden.
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        // An empty <vCard/> is a card like any other (an account that chose to publish nothing):
        // stored and returned as set, so others get it rather than service-unavailable.
        var xml = StoredXml.Write(context.Payload);
        var max = options.Value.Limits.MaxVCardBytes;
        if (StoredXml.Size(xml) > max)
        {
            return IqReply.Fail(StanzaErrorCondition.PolicyViolation, $"A vCard is limited to {max} bytes");
        }

        await store.SetAsync(context.To, xml, context.CancellationToken).ConfigureAwait(false);
        await events.PublishAsync(new VCardStored(context.To, context.Payload)).ConfigureAwait(false);
        return IqReply.Empty;
    }
}
