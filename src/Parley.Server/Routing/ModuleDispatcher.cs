using System.Collections.Frozen;
using Parley.Server.Modules;
using Parley.Server.Sessions;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>
/// The modules' declarations frozen into lookup tables: routing pays nothing per stanza for
/// registration. Built once, at start (<see cref="Build"/>, from <c>Hosting/ModuleStartup</c>):
/// modules take the delivery path by injection, and the delivery path needs these tables, so the
/// modules are asked for their declarations only after every singleton exists. A duplicate IQ key
/// or stream-element key is a configuration bug and fails the start.
/// </summary>
internal sealed class ModuleDispatcher
{
    private readonly Func<IEnumerable<IXmppModule>> _modules;
    private readonly Lock _gate = new();
    private volatile Tables? _tables;

    /// <param name="modules">The enabled modules, asked for once when the tables are built.</param>
    /// <param name="events">The bus publishers inject; the handlers modules subscribe are frozen into it.</param>
    public ModuleDispatcher(Func<IEnumerable<IXmppModule>> modules, EventBus events)
    {
        _modules = modules;
        Events = events;
    }

    /// <summary>Tables built at once from the given modules, with a bus of their own (tests).</summary>
    public ModuleDispatcher(IEnumerable<IXmppModule> modules)
        : this(() => modules, new EventBus()) => Build();

    public EventBus Events { get; }

    public (Addressed Addressed, StanzaHandler Handler)[] MessageHandlers => T.MessageHandlers;

    public (Addressed Addressed, StanzaHandler Handler)[] PresenceHandlers => T.PresenceHandlers;

    /// <summary>The sender-side chain (<see cref="ModuleMap.Outgoing"/>), in order.</summary>
    public (StanzaKinds Kinds, Addressed Addressed, StanzaHandler Handler)[] OutgoingHandlers => T.OutgoingHandlers;

    /// <summary>The per-session outbound filters every <see cref="ClientSession"/> runs (<see cref="ModuleMap.Outbound"/>).</summary>
    public OutboundFilter[] OutboundFilters => T.OutboundFilters;

    /// <summary>The disco features of an addressee (server or account), sorted and distinct (XEP-0030 §3.1).</summary>
    public IReadOnlyList<string> Features(Addressed addressee) => T.Disco.GetValueOrDefault(addressee).Features ?? [];

    /// <summary>The disco identities of an addressee (server or account).</summary>
    public IReadOnlyList<DiscoIdentity> Identities(Addressed addressee) => T.Disco.GetValueOrDefault(addressee).Identities ?? [];

    /// <summary>The sources of disco#items of an addressee kind (<see cref="ModuleMap.DiscoItems"/>).</summary>
    public IEnumerable<DiscoItems> DiscoItemSources(Addressed addressee) =>
        T.DiscoItemSources.Where(s => (s.Addressed & addressee) != 0).Select(s => s.Items);

    /// <summary>The sources of node disco of an addressee kind (<see cref="ModuleMap.DiscoNode"/>).</summary>
    public IEnumerable<(DiscoNode Info, DiscoNode Items)> DiscoNodeSources(Addressed addressee) =>
        T.DiscoNodeSources.Where(s => (s.Addressed & addressee) != 0).Select(s => (s.Info, s.Items));

    private Tables T => _tables ?? Build();

    /// <summary>Asks every module for its declarations and freezes them; later calls return the same tables.</summary>
    public Tables Build()
    {
        lock (_gate)
        {
            return _tables ??= new Tables(_modules(), Events);
        }
    }

    public IqHandler? FindIq(IqKey key, Addressed addressed) =>
        T.Iq.TryGetValue(key, out var route) && (route.Addressed & addressed) != 0 ? route.Handler : null;

    /// <summary>The handler of a non-stanza top-level element on a bound client stream, or null (a stream error).</summary>
    public StreamElementHandler? FindStreamElement(string name, string ns) =>
        T.StreamElements.GetValueOrDefault((name, ns));

    /// <summary>The handler of a non-stanza element before binding, or null (a stream error).</summary>
    public BeforeBindHandler? FindBeforeBind(string name, string ns) =>
        T.BeforeBindElements.GetValueOrDefault((name, ns));

    public IEnumerable<Element> StreamFeatures(StreamStage stage, StreamFeatureContext context)
    {
        foreach (var (s, feature) in T.StreamFeatures)
        {
            if (s == stage && feature(context) is { } element)
            {
                yield return element;
            }
        }
    }

    /// <summary>How long to keep a session whose transport ended, or null to end it now (<see cref="ModuleMap.OnTransportLost"/>).</summary>
    public TimeSpan? KeepAfterTransportEnd(ClientSession session, TransportEnd end)
    {
        foreach (var handler in T.TransportLostHandlers)
        {
            if (handler(session, end) is { } keep)
            {
                return keep;
            }
        }

        return null;
    }

    public ValueTask PublishAsync<TEvent>(TEvent e)
        where TEvent : class => Events.PublishAsync(e);

    /// <summary>The first refusal of a stanza by a filter, or null when every filter lets it through.</summary>
    public async ValueTask<StanzaError?> FilterAsync(StanzaContext context)
    {
        foreach (var filter in T.Filters)
        {
            if (await filter(context).ConfigureAwait(false) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    /// <summary>Runs a recipient-side chain until a handler says Done; false when nobody handled the stanza.</summary>
    public static async ValueTask<bool> RunChainAsync((Addressed Addressed, StanzaHandler Handler)[] chain, StanzaContext context)
    {
        foreach (var (addressed, handler) in chain)
        {
            if ((addressed & context.Addressed) != 0
                && await handler(context).ConfigureAwait(false) == Handling.Done)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs the sender-side chain for one stanza kind until a handler says Done; false when the stanza goes on.</summary>
    public async ValueTask<bool> RunOutgoingAsync(StanzaKinds kind, StanzaContext context)
    {
        foreach (var (kinds, addressed, handler) in T.OutgoingHandlers)
        {
            if ((kinds & kind) != 0 && (addressed & context.Addressed) != 0
                && await handler(context).ConfigureAwait(false) == Handling.Done)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the modules declared, frozen.</summary>
    internal sealed class Tables
    {
        public Tables(IEnumerable<IXmppModule> modules, EventBus events)
        {
            var map = new ModuleMap();
            foreach (var module in modules)
            {
                map.CurrentModule = module.GetType().Name;
                module.Map(map);
            }

            Iq = Unique(map.IqRoutes.Select(r => (r.Key, (r.Addressed, r.Handler), r.Module)),
                key => $"IQ {key.Type} <{key.Name} xmlns='{key.Namespace}'/>");
            StreamElements = Unique(map.StreamElements.Select(e => ((e.Name, e.Namespace), e.Handler, e.Module)),
                key => $"The stream element <{key.Name} xmlns='{key.Namespace}'/>");
            BeforeBindElements = Unique(map.BeforeBindElements.Select(e => ((e.Name, e.Namespace), e.Handler, e.Module)),
                key => $"The element <{key.Name} xmlns='{key.Namespace}'/> before binding");
            MessageHandlers = Ordered(map.MessageHandlers);
            PresenceHandlers = Ordered(map.PresenceHandlers);
            OutgoingHandlers = [.. map.OutgoingHandlers.Select((h, i) => (h, i)).OrderBy(x => x.h.Order).ThenBy(x => x.i)
                .Select(x => (x.h.Kinds, x.h.Addressed, x.h.Handler))];
            OutboundFilters = [.. map.OutboundFilters];
            TransportLostHandlers = [.. map.TransportLostHandlers];
            Filters = [.. map.Filters];
            events.Freeze(map.EventHandlers.GroupBy(e => e.EventType)
                .ToFrozenDictionary(g => g.Key, g => g.Select(e => e.Handler).ToArray()));
            Disco = new[] { Addressed.Server, Addressed.Account }.ToFrozenDictionary(
                addressee => addressee,
                addressee => (
                    (IReadOnlyList<DiscoIdentity>)[.. map.Identities.Where(i => (i.Addressed & addressee) != 0).Select(i => i.Identity).Distinct()],
                    (IReadOnlyList<string>)[.. map.Features.Where(f => (f.Addressed & addressee) != 0).Select(f => f.Var).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]));
            StreamFeatures = [.. map.StreamFeatures];
            DiscoItemSources = [.. map.DiscoItemSources];
            DiscoNodeSources = [.. map.DiscoNodeSources];
        }

        public FrozenDictionary<IqKey, (Addressed Addressed, IqHandler Handler)> Iq { get; }

        public FrozenDictionary<(string Name, string Namespace), StreamElementHandler> StreamElements { get; }

        public FrozenDictionary<(string Name, string Namespace), BeforeBindHandler> BeforeBindElements { get; }

        public (Addressed Addressed, StanzaHandler Handler)[] MessageHandlers { get; }

        public (Addressed Addressed, StanzaHandler Handler)[] PresenceHandlers { get; }

        public (StanzaKinds Kinds, Addressed Addressed, StanzaHandler Handler)[] OutgoingHandlers { get; }

        public OutboundFilter[] OutboundFilters { get; }

        public StanzaFilter[] Filters { get; }

        public TransportLostHandler[] TransportLostHandlers { get; }

        /// <summary>Per addressee kind, what disco#info lists.</summary>
        public FrozenDictionary<Addressed, (IReadOnlyList<DiscoIdentity> Identities, IReadOnlyList<string> Features)> Disco { get; }

        public (StreamStage Stage, Func<StreamFeatureContext, Element?> Feature)[] StreamFeatures { get; }

        public (Addressed Addressed, DiscoItems Items)[] DiscoItemSources { get; }

        public (Addressed Addressed, DiscoNode Info, DiscoNode Items)[] DiscoNodeSources { get; }

        /// <summary>One handler per key: a second is named with both modules and fails the start.</summary>
        private static FrozenDictionary<TKey, TValue> Unique<TKey, TValue>(IEnumerable<(TKey Key, TValue Value, string Module)> routes, Func<TKey, string> describe)
            where TKey : notnull
        {
            var table = new Dictionary<TKey, TValue>();
            var owners = new Dictionary<TKey, string>();
            foreach (var (key, value, module) in routes)
            {
                if (!owners.TryAdd(key, module))
                {
                    throw new InvalidOperationException($"{describe(key)} is handled by both {owners[key]} and {module}.");
                }

                table[key] = value;
            }

            return table.ToFrozenDictionary();
        }

        private static (Addressed, StanzaHandler)[] Ordered(List<(Addressed Addressed, Order Order, StanzaHandler Handler)> handlers) =>
            [.. handlers.Select((h, i) => (h, i)).OrderBy(x => x.h.Order).ThenBy(x => x.i).Select(x => (x.h.Addressed, x.h.Handler))];
    }
}
