using Microsoft.Extensions.Options;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.ClientState;

/// <summary>
/// XEP-0352 client state indication: a client that says &lt;inactive/&gt; (its screen is off) gets only
/// what cannot wait; the rest is held in its session (<see cref="InactiveHold"/>) until something urgent
/// arrives or it says &lt;active/&gt;, then sent in order. What is urgent is <see cref="Urgency"/>'s rule.
/// </summary>
internal sealed class ClientStateModule(IOptions<ClientStateOptions> options) : IXmppModule
{
    private readonly int _maxHeld = options.Value.MaxHeld;

    public void Map(ModuleMap map)
    {
        // XEP-0352 §3: offered after authentication.
        map.StreamFeature(StreamStage.PostAuthentication, _ => new Element("csi", Namespaces.ClientState));
        map.StreamElement("inactive", Namespaces.ClientState, Inactive);
        map.StreamElement("active", Namespaces.ClientState, Active);
        map.Outbound(Hold);
    }

    private ValueTask Inactive(ClientSession session, Element element, CancellationToken cancellationToken)
    {
        session.Features.GetOrAdd(() => new InactiveHold(_maxHeld));
        return ValueTask.CompletedTask;
    }

    /// <summary>XEP-0352 §4: active again: everything held goes out now, in order, then the rest as it comes.</summary>
    private static ValueTask Active(ClientSession session, Element element, CancellationToken cancellationToken)
    {
        session.Features.Take<InactiveHold>()?.Release(session);
        return ValueTask.CompletedTask;
    }

    private static OutboundVerdict Hold(ClientSession session, Element stanza) =>
        session.Features.Get<InactiveHold>() is { } hold ? hold.Offer(session, stanza) : OutboundVerdict.Pass;
}
