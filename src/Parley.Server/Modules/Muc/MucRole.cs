namespace Parley.Server.Modules.Muc;

/// <summary>XEP-0045 §5.1: an occupant's role, which lasts as long as the visit; ordered by privilege.</summary>
internal enum MucRole
{
    None,
    Visitor,
    Participant,
    Moderator,
}
