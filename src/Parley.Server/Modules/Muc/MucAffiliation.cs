namespace Parley.Server.Modules.Muc;

/// <summary>XEP-0045 §5.2: a user's long-lived standing with a room; ordered by privilege (outcast lowest).</summary>
internal enum MucAffiliation
{
    Outcast,
    None,
    Member,
    Admin,
    Owner,
}
