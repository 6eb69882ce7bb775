namespace Parley.Server.Modules.Muc;

/// <summary>The wire names of roles and affiliations (XEP-0045 §5), both ways.</summary>
internal static class MucNames
{
    public static string Of(MucRole role) => role switch
    {
        MucRole.Visitor => "visitor",
        MucRole.Participant => "participant",
        MucRole.Moderator => "moderator",
        _ => "none",
    };

    public static string Of(MucAffiliation affiliation) => affiliation switch
    {
        MucAffiliation.Outcast => "outcast",
        MucAffiliation.Member => "member",
        MucAffiliation.Admin => "admin",
        MucAffiliation.Owner => "owner",
        _ => "none",
    };

    public static bool TryParse(string? name, out MucRole role)
    {
        role = name switch
        {
            "none" => MucRole.None,
            "visitor" => MucRole.Visitor,
            "participant" => MucRole.Participant,
            "moderator" => MucRole.Moderator,
            _ => (MucRole)(-1),
        };
        return (int)role >= 0;
    }

    public static bool TryParse(string? name, out MucAffiliation affiliation)
    {
        affiliation = name switch
        {
            "outcast" => MucAffiliation.Outcast,
            "none" => MucAffiliation.None,
            "member" => MucAffiliation.Member,
            "admin" => MucAffiliation.Admin,
            "owner" => MucAffiliation.Owner,
            _ => (MucAffiliation)(-1),
        };
        return (int)affiliation >= 0;
    }
}
