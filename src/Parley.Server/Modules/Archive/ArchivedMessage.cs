using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// One message in one account's archive.
/// </summary>
/// <param name="Id">The XEP-0359 stanza-id the server stamped, and the XEP-0313 archive id (<see cref="ArchiveIds"/>).</param>
/// <param name="Account">Whose archive: a local account's bare JID.</param>
/// <param name="With">The other party as the message named it (full or bare): its sender for incoming, its addressee for outgoing.</param>
/// <param name="ReceivedAt">When the server archived it: the XEP-0203 delay stamp of the result.</param>
/// <param name="Stanza">The message as serialized XML (<see cref="Storage.StoredXml"/>).</param>
internal sealed record ArchivedMessage(long Id, Jid Account, Jid With, DateTimeOffset ReceivedAt, string Stanza);
