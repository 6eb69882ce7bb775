using Parley.Server.Sessions;

namespace Parley.Server.Modules.Events;

/// <summary>A resource was bound (RFC 6120 §7).</summary>
internal sealed record SessionBound(ClientSession Session);
