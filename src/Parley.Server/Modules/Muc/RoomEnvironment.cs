using Parley.Server.Modules.Archive;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Muc;

/// <summary>What a room takes from its service: the clock, the limits of Muc:*, how occupant-ids are derived, and the archive's ids.</summary>
/// <param name="OccupantIdOf">XEP-0421 §4: the id of a real bare JID in a room (the room's JID first).</param>
/// <param name="ArchiveIds">The archive's stanza-ids (XEP-0359) for the rooms' archives; null when the Archive module is off (no room archives).</param>
/// <param name="ArchiveByDefault">Muc:ArchiveByDefault: whether a new room archives until its owner says otherwise.</param>
internal sealed record RoomEnvironment(
    TimeProvider Time,
    int MaxOccupants,
    int MessagesPerSecond,
    int MessageBurst,
    int HistoryLength,
    Func<Jid, Jid, string> OccupantIdOf,
    ArchiveIds? ArchiveIds = null,
    bool ArchiveByDefault = false);
