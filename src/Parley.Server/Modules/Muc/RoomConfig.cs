namespace Parley.Server.Modules.Muc;

/// <summary>
/// A room's configuration (XEP-0045 §10.2, the muc#roomconfig fields). New rooms get the defaults:
/// temporary, public, open, unmoderated, semi-anonymous, no password.
/// </summary>
internal sealed record RoomConfig
{
    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    /// <summary>Kept when the last occupant leaves, and across restarts.</summary>
    public bool Persistent { get; init; }

    /// <summary>Listed in the service's disco#items.</summary>
    public bool Public { get; init; } = true;

    public bool MembersOnly { get; init; }

    /// <summary>Only occupants with voice (participants and moderators) may speak; newcomers without affiliation are visitors.</summary>
    public bool Moderated { get; init; }

    /// <summary>The room secret; empty when the room is not password-protected.</summary>
    public string Password { get; init; } = "";

    public bool PasswordProtected => Password.Length > 0;

    public int MaxUsers { get; init; }

    /// <summary>Every occupant sees real JIDs (non-anonymous); otherwise only moderators do (semi-anonymous).</summary>
    public bool NonAnonymous { get; init; }

    /// <summary>Participants may change the subject (moderators always may).</summary>
    public bool ChangeSubject { get; init; }

    /// <summary>Occupants may invite others (in members-only rooms; open rooms always allow invitations).</summary>
    public bool AllowInvites { get; init; }

    /// <summary>Who may send private messages: the lowest role allowed (None = nobody).</summary>
    public MucRole PrivateMessagesFrom { get; init; } = MucRole.Visitor;

    /// <summary>The room archives its groupchat (XEP-0313 on the room JID; muc#roomconfig_enablearchiving).</summary>
    public bool Archived { get; init; }
}
