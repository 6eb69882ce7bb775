using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Muc;

/// <summary>What a room takes from its service: the clock, the limits of Muc:*, and how occupant-ids are derived.</summary>
/// <param name="OccupantIdOf">XEP-0421 §4: the id of a real bare JID in a room (the room's JID first).</param>
internal sealed record RoomEnvironment(
    TimeProvider Time,
    int MaxOccupants,
    int MessagesPerSecond,
    int MessageBurst,
    int HistoryLength,
    Func<Jid, Jid, string> OccupantIdOf);
