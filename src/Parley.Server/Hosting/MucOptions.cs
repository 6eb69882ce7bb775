namespace Parley.Server.Hosting;

/// <summary>Multi-User Chat (XEP-0045), keys Muc:*. The service runs on &lt;Subdomain&gt;.&lt;domain&gt; for each hosted domain.</summary>
public sealed class MucOptions
{
    /// <summary>Whether the MUC service runs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The label put before each hosted domain to name the service. Default "conference".</summary>
    public string Subdomain { get; set; } = "conference";

    /// <summary>Who may create a room by joining it: "everyone", "local" (accounts of this server) or "admins" (<see cref="Admins"/>). Default "everyone".</summary>
    public string CreateRooms { get; set; } = "everyone";

    /// <summary>Bare JIDs that may create rooms when <see cref="CreateRooms"/> is "admins". Default empty.</summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>Rooms one bare JID may have created and that still exist; 1 to 10000. Default 10.</summary>
    public int MaxRoomsPerOwner { get; set; } = 10;

    /// <summary>Occupants one room holds at most, whatever its owner configures (muc#roomconfig_maxusers cannot exceed it); 1 to 100000. Default 1000.</summary>
    public int MaxOccupantsPerRoom { get; set; } = 1000;

    /// <summary>Messages per second one occupant may send to a room (a token bucket); 1 to 10000. Default 5.</summary>
    public int MessagesPerSecond { get; set; } = 5;

    /// <summary>Messages one occupant may send in a burst before <see cref="MessagesPerSecond"/> applies; 1 to 10000. Default 20.</summary>
    public int MessageBurst { get; set; } = 20;

    /// <summary>Groupchat messages a room keeps for the discussion history sent on join; 0 to 1000. Default 20.</summary>
    public int HistoryLength { get; set; } = 20;

    /// <summary>
    /// Whether a new room archives its groupchat (XEP-0313 on the room JID) until its owner turns it
    /// off (muc#roomconfig_enablearchiving); only while the Archive module is on. Default true.
    /// </summary>
    public bool ArchiveByDefault { get; set; } = true;
}
