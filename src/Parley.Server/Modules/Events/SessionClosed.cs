using Parley.Server.Sessions;

namespace Parley.Server.Modules.Events;

/// <summary>A bound session ended (closed, lost or replaced); it is already out of the directory.</summary>
internal sealed record SessionClosed(ClientSession Session);
