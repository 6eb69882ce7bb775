namespace Parley.Server.Modules.Push;

/// <summary>
/// Kept in the session that enabled a registration (<see cref="Sessions.ClientSession.Features"/>): while
/// that session has a connection its device is online and needs no notification; hibernated or gone, it does.
/// </summary>
internal sealed class PushEnabled(PushDevice device)
{
    /// <summary>Whether this session enabled that registration (the same app server and node, even re-enabled since).</summary>
    public bool Matches(PushDevice other) =>
        ReferenceEquals(device, other)
        || (device.Registration.AppServer.Equals(other.Registration.AppServer) && device.Registration.Node == other.Registration.Node);
}
