using Parley.Server.Sessions;

namespace Parley.Server.Modules;

/// <summary>
/// Decides, when a bound session's transport ends, whether the session lives on without it
/// (<see cref="ModuleMap.OnTransportLost"/>): how long to keep it detached, or null to let it end
/// now. The first module that answers a duration wins; with none (the default), the session ends
/// with its transport: unbound, its unavailable presence broadcast (RFC 6121 §4.5.4).
/// Stream management (XEP-0198 §5) keeps a session it may resume for its resumption timeout.
/// </summary>
internal delegate TimeSpan? TransportLostHandler(ClientSession session, TransportEnd end);
