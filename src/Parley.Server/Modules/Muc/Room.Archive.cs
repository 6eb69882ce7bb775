using Parley.Server.Modules.Archive;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// The room's archive (XEP-0313 on the room JID): which groupchat it keeps, stamped with the room's
/// XEP-0359 stanza-id, and who may read it.
/// </summary>
internal sealed partial class Room
{
    private readonly List<ArchivedMessage> _archived = [];

    /// <summary>Whether the room archives its groupchat: its configuration says so and the server archives (the Archive module is on).</summary>
    public bool Archives => Config.Archived && _environment.ArchiveIds is not null;

    /// <summary>
    /// The messages the current action archived. The service queues them for the archive writer
    /// before it delivers what the action sends (so an occupant who saw a message finds it by
    /// querying), then clears the list.
    /// </summary>
    public List<ArchivedMessage> Archived => _archived;

    /// <summary>
    /// Who may read the archive: whoever may see the room's conversation. A room that does not archive
    /// answers service-unavailable, a locked one item-not-found (as every request but its owner's); an
    /// outcast is forbidden, in a members-only room so is anyone below member, and in a
    /// password-protected room anyone below member who is not in the room (the query carries no
    /// password). The archive holds what occupants see (occupant JIDs and occupant-ids, no real JID),
    /// so the room's anonymity needs no rule of its own.
    /// </summary>
    public StanzaError? ArchiveAccess(Jid user)
    {
        var affiliation = AffiliationOf(user);
        if (!Archives)
        {
            return StanzaError.Of(StanzaErrorCondition.ServiceUnavailable, "This room keeps no archive.");
        }

        if (Locked && affiliation != MucAffiliation.Owner)
        {
            return StanzaError.Of(StanzaErrorCondition.ItemNotFound);
        }

        if (affiliation == MucAffiliation.Outcast
            || (Config.MembersOnly && affiliation < MucAffiliation.Member)
            || (Config.PasswordProtected && affiliation < MucAffiliation.Member && !IsOccupant(user)))
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "You may not read this room's archive.");
        }

        return null;
    }

    /// <summary>A groupchat message as reflected (from the occupant JID, no 'to'), into the archive when the room keeps it, stamped with the room's stanza-id.</summary>
    private void Archive(Element reflected, Jid occupantJid)
    {
        if (!Archives || !ArchiveRules.IsArchivedByRoom(reflected))
        {
            return;
        }

        var id = _environment.ArchiveIds!.Next();
        StanzaIds.Stamp(reflected, id, Jid);
        _archived.Add(new ArchivedMessage(id, ArchiveOwner.Room(Jid), occupantJid, _environment.Time.GetUtcNow(), StoredXml.Write(reflected)));
    }
}
