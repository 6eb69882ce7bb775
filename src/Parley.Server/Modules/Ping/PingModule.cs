using Parley.Xmpp;
using Parley.Xmpp.Stanzas;

namespace Parley.Server.Modules.Ping;

/// <summary>
/// XEP-0199: the server answers pings to itself and, for the account, to the bare JID, the latter
/// only for those the account's existence may be shown to (<see cref="AccountPrivacy"/>).
/// </summary>
internal sealed class PingModule(AccountPrivacy privacy) : IXmppModule
{
    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.Ping, Addressed.Server | Addressed.Account);
        map.Iq("get", "ping", Namespaces.Ping, Addressed.Server | Addressed.Account, PingAsync);
    }

    private async ValueTask<IqReply> PingAsync(IqContext context) =>
        context.Addressed == Addressed.Server || await privacy.RevealsAsync(context.From, context.To, context.CancellationToken).ConfigureAwait(false)
            ? IqReply.Empty
            : IqReply.Fail(StanzaErrorCondition.ServiceUnavailable);
}
