using System.Collections.Frozen;

namespace Parley.Server.Modules;

/// <summary>
/// The one way typed events travel between the core and modules: publishers take it by injection,
/// subscribers declare their handlers in <see cref="IXmppModule.Map"/> (<see cref="ModuleMap.On{TEvent}"/>),
/// and the handlers are frozen in when the module tables are built. Events are records in
/// Modules/Events, never strings.
/// </summary>
internal sealed class EventBus
{
    private FrozenDictionary<Type, Func<object, ValueTask>[]> _handlers = FrozenDictionary<Type, Func<object, ValueTask>[]>.Empty;

    internal void Freeze(FrozenDictionary<Type, Func<object, ValueTask>[]> handlers) => _handlers = handlers;

    /// <summary>Runs every handler of the event in registration order; free when nobody listens.</summary>
    public async ValueTask PublishAsync<TEvent>(TEvent e)
        where TEvent : class
    {
        if (_handlers.TryGetValue(typeof(TEvent), out var handlers))
        {
            foreach (var handler in handlers)
            {
                await handler(e).ConfigureAwait(false);
            }
        }
    }
}
