using System.Collections.Frozen;
using Parley.Server.Modules;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>
/// The modules' declarations frozen into lookup tables at start: routing pays nothing per stanza
/// for registration. A duplicate IQ key is a configuration bug and fails the start.
/// </summary>
internal sealed class ModuleDispatcher
{
    private readonly FrozenDictionary<IqKey, (Addressed Addressed, IqHandler Handler)> _iq;
    private readonly ModuleEvents _events;
    private readonly (StreamStage Stage, Func<StreamFeatureContext, Element?> Feature)[] _streamFeatures;
    private readonly StanzaFilter[] _filters;

    public ModuleDispatcher(IEnumerable<IXmppModule> modules)
    {
        var map = new ModuleMap();
        foreach (var module in modules)
        {
            map.CurrentModule = module.GetType().Name;
            module.Map(map);
        }

        var iq = new Dictionary<IqKey, (Addressed, IqHandler)>();
        var owners = new Dictionary<IqKey, string>();
        foreach (var (key, addressed, handler, owner) in map.IqRoutes)
        {
            if (!owners.TryAdd(key, owner))
            {
                throw new InvalidOperationException(
                    $"IQ {key.Type} <{key.Name} xmlns='{key.Namespace}'/> is handled by both {owners[key]} and {owner}.");
            }

            iq[key] = (addressed, handler);
        }

        _iq = iq.ToFrozenDictionary();
        MessageHandlers = Ordered(map.MessageHandlers);
        PresenceHandlers = Ordered(map.PresenceHandlers);
        _filters = [.. map.Filters];
        _events = map.Events;
        _events.Freeze(map.EventHandlers.GroupBy(e => e.EventType)
            .ToFrozenDictionary(g => g.Key, g => g.Select(e => e.Handler).ToArray()));
        Features = [.. map.Features.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Identities = [.. map.Identities.Distinct()];
        _streamFeatures = [.. map.StreamFeatures];
    }

    public (Addressed Addressed, StanzaHandler Handler)[] MessageHandlers { get; }

    public (Addressed Addressed, StanzaHandler Handler)[] PresenceHandlers { get; }

    /// <summary>Every module's disco features, sorted and distinct (XEP-0030 §3.1).</summary>
    public IReadOnlyList<string> Features { get; }

    public IReadOnlyList<DiscoIdentity> Identities { get; }

    public IqHandler? FindIq(IqKey key, Addressed addressed) =>
        _iq.TryGetValue(key, out var route) && (route.Addressed & addressed) != 0 ? route.Handler : null;

    public IEnumerable<Element> StreamFeatures(StreamStage stage, StreamFeatureContext context)
    {
        foreach (var (s, feature) in _streamFeatures)
        {
            if (s == stage && feature(context) is { } element)
            {
                yield return element;
            }
        }
    }

    public ValueTask PublishAsync<TEvent>(TEvent e)
        where TEvent : class => _events.PublishAsync(e);

    /// <summary>The first refusal of a stanza by a filter, or null when every filter lets it through.</summary>
    public async ValueTask<StanzaError?> FilterAsync(StanzaContext context)
    {
        foreach (var filter in _filters)
        {
            if (await filter(context).ConfigureAwait(false) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    /// <summary>Runs a chain until a handler says Done; false when nobody handled the stanza.</summary>
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

    private static (Addressed, StanzaHandler)[] Ordered(List<(Addressed Addressed, Order Order, StanzaHandler Handler)> handlers) =>
        [.. handlers.Select((h, i) => (h, i)).OrderBy(x => x.h.Order).ThenBy(x => x.i).Select(x => (x.h.Addressed, x.h.Handler))];
}
