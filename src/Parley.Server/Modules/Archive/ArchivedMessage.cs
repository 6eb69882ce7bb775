using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// One message in one archive.
/// </summary>
/// <param name="Id">The XEP-0359 stanza-id the server stamped, and the XEP-0313 archive id (<see cref="ArchiveIds"/>).</param>
/// <param name="Owner">Whose archive: a local account's or a room's.</param>
/// <param name="With">The other party as the message named it (full or bare): its sender for incoming, its addressee for outgoing; in a room's archive, the sender's occupant JID.</param>
/// <param name="ReceivedAt">When the server archived it: the XEP-0203 delay stamp of the result.</param>
/// <param name="Stanza">The message as serialized XML (<see cref="Storage.StoredXml"/>).</param>
internal sealed record ArchivedMessage(long Id, ArchiveOwner Owner, Jid With, DateTimeOffset ReceivedAt, string Stanza);
