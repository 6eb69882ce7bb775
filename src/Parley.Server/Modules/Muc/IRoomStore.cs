namespace Parley.Server.Modules.Muc;

/// <summary>Persistent rooms (XEP-0045 §10.2 muc#roomconfig_persistentroom): one stored snapshot per room JID.</summary>
internal interface IRoomStore
{
    /// <summary>Every stored room: its JID and its snapshot (<see cref="RoomSnapshot"/>).</summary>
    Task<IReadOnlyList<(string Jid, string Xml)>> LoadAllAsync(CancellationToken cancellationToken);

    Task SaveAsync(string jid, string xml, CancellationToken cancellationToken);

    Task DeleteAsync(string jid, CancellationToken cancellationToken);
}
