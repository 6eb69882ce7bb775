using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// Whose archive: a local account's (XEP-0313 §4, queried at the account's bare JID) or a MUC
/// room's (XEP-0313 §4 on the room JID, XEP-0045). They are stored apart: an account's archive goes
/// with the account, a room is no account (<see cref="SqlArchiveStore"/>).
/// </summary>
/// <param name="Jid">The bare JID the archive belongs to, which stamps its stanza-ids (XEP-0359 'by').</param>
/// <param name="IsRoom">A room's archive rather than an account's.</param>
internal readonly record struct ArchiveOwner(Jid Jid, bool IsRoom)
{
    public static ArchiveOwner Account(Jid account) => new(account.Bare, false);

    public static ArchiveOwner Room(Jid room) => new(room.Bare, true);

    public override string ToString() => Jid.ToString();
}
