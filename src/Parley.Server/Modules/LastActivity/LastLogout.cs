namespace Parley.Server.Modules.LastActivity;

/// <summary>When an account's last resource went offline, and the status text it left with ("" for none).</summary>
internal sealed record LastLogout(DateTimeOffset At, string Status);
