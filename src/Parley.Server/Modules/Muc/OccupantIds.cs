using System.Security.Cryptography;
using System.Text;
using Parley.Server.Hosting;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// XEP-0421 §4: an occupant-id is stable for one real bare JID in one room, and reveals nothing
/// about the JID: an HMAC-SHA-256 of the room and the user under the server's secret, so it survives
/// restarts without being stored.
/// </summary>
internal sealed class OccupantIds(ServerSecret secret)
{
    public string Of(Jid room, Jid user)
    {
        var input = Encoding.UTF8.GetBytes("xep-0421\0" + room.Bare + "\0" + user.Bare);
        var mac = HMACSHA256.HashData(secret.Value, input);
        return Convert.ToBase64String(mac.AsSpan(0, 18));
    }
}
