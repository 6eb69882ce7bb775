using Parley.Xmpp;

namespace Parley.Server.Modules.Ping;

/// <summary>XEP-0199: the server answers pings to itself and, for the account, to the bare JID.</summary>
internal sealed class PingModule : IXmppModule
{
    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.Ping, Addressed.Server | Addressed.Account);
        map.Iq("get", "ping", Namespaces.Ping, Addressed.Server | Addressed.Account, static _ => ValueTask.FromResult(IqReply.Empty));
    }
}
