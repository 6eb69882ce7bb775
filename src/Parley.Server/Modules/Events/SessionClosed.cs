using Parley.Server.Sessions;

namespace Parley.Server.Modules.Events;

/// <summary>A bound session ended (closed, lost or replaced); it is already out of the directory.</summary>
/// <param name="ClosedByClient">The client closed its stream itself (RFC 6120 §4.4): it meant to leave.</param>
internal sealed record SessionClosed(ClientSession Session, bool ClosedByClient);
