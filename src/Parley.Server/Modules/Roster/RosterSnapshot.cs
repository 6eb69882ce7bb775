namespace Parley.Server.Modules.Roster;

/// <summary>An account's whole roster at one version (RFC 6121 §2.6).</summary>
internal sealed record RosterSnapshot(long Version, IReadOnlyList<RosterItem> Items);
