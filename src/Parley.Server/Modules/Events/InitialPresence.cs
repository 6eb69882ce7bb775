using Parley.Server.Sessions;

namespace Parley.Server.Modules.Events;

/// <summary>
/// A resource sent its initial available presence (RFC 6121 §4.2) and has been announced: the
/// moment offline messages are delivered (RFC 6121 §8.5.2.2.1 / XEP-0160).
/// </summary>
internal sealed record InitialPresence(ClientSession Session);
