namespace Parley.Server.Connections;

/// <summary>Something with deadlines the <see cref="Heartbeat"/> checks; must return quickly and never block.</summary>
internal interface IHeartbeatTarget
{
    /// <param name="timestamp">Now, as <see cref="TimeProvider.GetTimestamp"/>.</param>
    void OnHeartbeat(long timestamp);
}
