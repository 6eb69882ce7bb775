using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>
/// What modules declare in <see cref="IXmppModule.Map"/>: the extension points (IQ routes,
/// message/presence chains, events, contributions, and stanza filters). Read once at start into frozen tables.
/// </summary>
internal sealed class ModuleMap
{
    /// <summary>Where a module publishes its own events; keep it from <see cref="IXmppModule.Map"/>.</summary>
    public ModuleEvents Events { get; } = new();

    internal List<(IqKey Key, Addressed Addressed, IqHandler Handler, string Module)> IqRoutes { get; } = [];

    internal List<(Addressed Addressed, Order Order, StanzaHandler Handler)> MessageHandlers { get; } = [];

    internal List<(Addressed Addressed, Order Order, StanzaHandler Handler)> PresenceHandlers { get; } = [];

    internal List<(Type EventType, Func<object, ValueTask> Handler)> EventHandlers { get; } = [];

    internal List<StanzaFilter> Filters { get; } = [];

    internal List<string> Features { get; } = [];

    internal List<DiscoIdentity> Identities { get; } = [];

    internal List<(StreamStage Stage, Func<StreamFeatureContext, Element?> Feature)> StreamFeatures { get; } = [];

    internal string CurrentModule { get; set; } = "";

    /// <summary>Handles IQs of one type/name/namespace; one handler per key, a duplicate fails at start.</summary>
    public void Iq(string type, string name, string ns, Addressed addressed, IqHandler handler) =>
        IqRoutes.Add((new IqKey(type, name, ns), addressed, handler, CurrentModule));

    public void Message(Addressed addressed, StanzaHandler handler, Order order = Order.Normal) =>
        MessageHandlers.Add((addressed, order, handler));

    public void Presence(Addressed addressed, StanzaHandler handler, Order order = Order.Normal) =>
        PresenceHandlers.Add((addressed, order, handler));

    public void On<TEvent>(Func<TEvent, ValueTask> handler)
        where TEvent : class =>
        EventHandlers.Add((typeof(TEvent), e => handler((TEvent)e)));

    /// <summary>
    /// Refuses stanzas between two addresses before any handler sees them. A fifth extension point
    /// because XEP-0191 blocking must cover IQs as well as messages and presence, and IQs are
    /// dispatched by exact key with no chain to stand in front of; one check in the router covers
    /// all three kinds, and stanzas to other domains, in one place.
    /// </summary>
    public void Filter(StanzaFilter filter) => Filters.Add(filter);

    /// <summary>A XEP-0030 feature of the server and of accounts.</summary>
    public void Feature(string var) => Features.Add(var);

    public void Identity(string category, string type, string? name = null) => Identities.Add(new DiscoIdentity(category, type, name));

    /// <summary>An element for &lt;stream:features/&gt; at a stage; the function may return null to omit it.</summary>
    public void StreamFeature(StreamStage stage, Func<StreamFeatureContext, Element?> feature) => StreamFeatures.Add((stage, feature));
}
