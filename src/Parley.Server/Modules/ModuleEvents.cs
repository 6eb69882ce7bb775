using System.Collections.Frozen;

namespace Parley.Server.Modules;

/// <summary>
/// The typed events modules raise and handle (<see cref="ModuleMap.On{TEvent}"/>). Modules keep
/// the instance <see cref="ModuleMap.Events"/> gives them to publish; handlers are frozen in once
/// every module has declared its own.
/// </summary>
internal sealed class ModuleEvents
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
