using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>One IQ get/set for a handler.</summary>
/// <param name="Iq">The request, 'from' already stamped.</param>
/// <param name="Payload">Its single child element.</param>
/// <param name="From">The sender; null before authentication.</param>
/// <param name="To">The addressed entity: a hosted domain or an account's bare JID.</param>
/// <param name="Domain">The hosted domain of the stream.</param>
/// <param name="IsSecure">Whether the stream is encrypted (or plaintext was explicitly allowed).</param>
/// <param name="RemoteAddress">The sender's source address before authentication (for per-address limits); null otherwise or when unknown.</param>
internal sealed record IqContext(
    Element Iq,
    Element Payload,
    Origin? From,
    Jid To,
    Addressed Addressed,
    string Domain,
    bool IsSecure,
    CancellationToken CancellationToken,
    System.Net.IPAddress? RemoteAddress = null)
{
    /// <summary>The sending local session; null before authentication and for other origins.</summary>
    public ClientSession? Session => From as ClientSession;
}
