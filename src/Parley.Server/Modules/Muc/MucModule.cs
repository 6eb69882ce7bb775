using Parley.Server.Modules.Events;
using Parley.Server.Routing;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// Connects the MUC services to the rest of the server: the delivery path they send through, and
/// the end of a session, which removes its occupants from every room (XEP-0045 §7.14; a session
/// hibernated by stream management has not ended and stays in its rooms).
/// </summary>
internal sealed class MucModule(MucComponents components, MucRuntime runtime, StanzaDelivery delivery) : IXmppModule
{
    /// <summary>Its registration name (section Modules:Muc); the components read its switch too.</summary>
    public const string Name = "Muc";

    public void Map(ModuleMap map)
    {
        runtime.Attach(delivery);
        map.On<SessionClosed>(OnSessionClosedAsync);
    }

    private async ValueTask OnSessionClosedAsync(SessionClosed closed)
    {
        foreach (var service in components.Services)
        {
            await service.SessionClosedAsync(closed.Session.Jid).ConfigureAwait(false);
        }
    }
}
