using Parley.Xmpp;

namespace Parley.Server.Modules.Session;

/// <summary>
/// RFC 3921 §3 session establishment, kept for old clients: advertised as optional
/// (RFC 6121 §1.4) and answered with an empty result.
/// </summary>
internal sealed class SessionModule : IXmppModule
{
    public void Map(ModuleMap map) =>
        map.Iq("set", "session", Namespaces.Session, Addressed.Server | Addressed.Account, static _ => ValueTask.FromResult(IqReply.Empty));
}
