using Parley.Server.Sessions;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>
/// What modules declare in <see cref="IXmppModule.Map"/>: the extension points (IQ routes,
/// recipient-side message/presence chains, the sender-side chain, stanza filters, per-session outbound
/// filters, stream-element handlers, event subscriptions, contributions). Read once at start into
/// frozen tables. Modules publish events through the injected <see cref="EventBus"/>.
/// </summary>
internal sealed class ModuleMap
{
    internal List<(IqKey Key, Addressed Addressed, IqHandler Handler, string Module)> IqRoutes { get; } = [];

    internal List<(Addressed Addressed, Order Order, StanzaHandler Handler)> MessageHandlers { get; } = [];

    internal List<(Addressed Addressed, Order Order, StanzaHandler Handler)> PresenceHandlers { get; } = [];

    internal List<(StanzaKinds Kinds, Addressed Addressed, Order Order, StanzaHandler Handler)> OutgoingHandlers { get; } = [];

    internal List<OutboundFilter> OutboundFilters { get; } = [];

    internal List<(string Name, string Namespace, StreamElementHandler Handler, string Module)> StreamElements { get; } = [];

    internal List<(string Name, string Namespace, BeforeBindHandler Handler, string Module)> BeforeBindElements { get; } = [];

    internal List<TransportLostHandler> TransportLostHandlers { get; } = [];

    internal List<(Type EventType, Func<object, ValueTask> Handler)> EventHandlers { get; } = [];

    internal List<StanzaFilter> Filters { get; } = [];

    internal List<(Addressed Addressed, string Var)> Features { get; } = [];

    internal List<(Addressed Addressed, DiscoIdentity Identity)> Identities { get; } = [];

    internal List<(StreamStage Stage, Func<StreamFeatureContext, Element?> Feature)> StreamFeatures { get; } = [];

    internal List<(Addressed Addressed, DiscoItems Items)> DiscoItemSources { get; } = [];

    internal List<(Addressed Addressed, DiscoNode Info, DiscoNode Items)> DiscoNodeSources { get; } = [];

    internal string CurrentModule { get; set; } = "";

    /// <summary>Handles IQs of one type/name/namespace; one handler per key, a duplicate fails at start.</summary>
    public void Iq(string type, string name, string ns, Addressed addressed, IqHandler handler) =>
        IqRoutes.Add((new IqKey(type, name, ns), addressed, handler, CurrentModule));

    /// <summary>
    /// Recipient side: a message for a local account or resource (or the server), from any origin.
    /// Handlers run in <see cref="Order"/> until one says Done.
    /// </summary>
    public void Message(Addressed addressed, StanzaHandler handler, Order order = Order.Normal) =>
        MessageHandlers.Add((addressed, order, handler));

    /// <summary>Recipient side: presence for a local account or resource, from any origin (a local client's, a remote server's, or one the server generates).</summary>
    public void Presence(Addressed addressed, StanzaHandler handler, Order order = Order.Normal) =>
        PresenceHandlers.Add((addressed, order, handler));

    /// <summary>
    /// Sender side: every stanza a local client sends, of the given kinds, whatever its addressee
    /// (another domain's included: carbons and archives see outgoing messages), after the stanza filters
    /// and before it is delivered. A handler that says Done keeps it from going further.
    /// </summary>
    public void Outgoing(StanzaKinds kinds, Addressed addressed, StanzaHandler handler, Order order = Order.Normal) =>
        OutgoingHandlers.Add((kinds, addressed, order, handler));

    /// <summary>A per-session filter on the last step of every stanza to a session (<see cref="ClientSession.Send"/>).</summary>
    public void Outbound(OutboundFilter filter) => OutboundFilters.Add(filter);

    /// <summary>A non-stanza top-level element on a bound client stream; one handler per name and namespace, a duplicate fails at start.</summary>
    public void StreamElement(string name, string ns, StreamElementHandler handler) =>
        StreamElements.Add((name, ns, handler, CurrentModule));

    /// <summary>
    /// A non-stanza element on an authenticated client stream before binding (XEP-0198 &lt;resume/&gt;);
    /// one handler per name and namespace, a duplicate fails at start; anything undeclared stays a stream error.
    /// </summary>
    public void BeforeBind(string name, string ns, BeforeBindHandler handler) =>
        BeforeBindElements.Add((name, ns, handler, CurrentModule));

    /// <summary>Asked when a bound session's transport ends: keep the session detached for a while, or not.</summary>
    public void OnTransportLost(TransportLostHandler handler) => TransportLostHandlers.Add(handler);

    /// <summary>Subscribes to a typed event (<see cref="EventBus"/>); handlers run in registration order.</summary>
    public void On<TEvent>(Func<TEvent, ValueTask> handler)
        where TEvent : class =>
        EventHandlers.Add((typeof(TEvent), e => handler((TEvent)e)));

    /// <summary>
    /// Refuses stanzas between two addresses before any handler sees them: what a client sends, before
    /// the sender-side chain, and what the server generates or relays, at the delivery to each local
    /// addressee. One check covers all three kinds, every origin and stanzas to other domains, so
    /// XEP-0191 blocking lives in one filter.
    /// </summary>
    public void Filter(StanzaFilter filter) => Filters.Add(filter);

    /// <summary>
    /// A XEP-0030 feature, listed in the disco#info of the addressees it is for: the server's own
    /// (<see cref="Addressed.Server"/>, the default) and, for what the server answers on an account's
    /// behalf, the account's bare JID (<see cref="Addressed.Account"/>). XEP-0030 §3.1: each entity
    /// lists what it answers for itself, so a server feature on an account is a false promise.
    /// </summary>
    public void Feature(string var, Addressed addressed = Addressed.Server) => Features.Add((addressed, var));

    /// <summary>A XEP-0030 identity of the addressees it is for (<see cref="Feature"/>).</summary>
    public void Identity(string category, string type, string? name = null, Addressed addressed = Addressed.Server) =>
        Identities.Add((addressed, new DiscoIdentity(category, type, name)));

    /// <summary>
    /// XEP-0030 §4 items an addressee lists (without a node): the disco module asks each source of
    /// the addressee's kind, which sees the request (who asks) and adds what that asker may see.
    /// </summary>
    public void DiscoItems(Addressed addressed, DiscoItems items) => DiscoItemSources.Add((addressed, items));

    /// <summary>
    /// XEP-0030 §3.2 / §4.2 queries to a node of an addressee: each source answers for the nodes it
    /// knows (null for others); a node no source knows is item-not-found.
    /// </summary>
    public void DiscoNode(Addressed addressed, DiscoNode info, DiscoNode items) => DiscoNodeSources.Add((addressed, info, items));

    /// <summary>An element for &lt;stream:features/&gt; at a stage; the function may return null to omit it.</summary>
    public void StreamFeature(StreamStage stage, Func<StreamFeatureContext, Element?> feature) => StreamFeatures.Add((stage, feature));
}
