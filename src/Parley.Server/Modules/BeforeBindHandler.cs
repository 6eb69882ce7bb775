using Parley.Server.Sessions;

namespace Parley.Server.Modules;

/// <summary>
/// Handles a non-stanza element on an authenticated client stream before a resource is bound
/// (<see cref="ModuleMap.BeforeBind"/>): XEP-0198 &lt;resume/&gt;, which gives the stream an existing
/// session instead of a new one, and &lt;enable/&gt; sent too early. Returns the session the stream
/// now carries, or null to leave the stream unbound (the client may still bind a resource).
/// </summary>
internal delegate ValueTask<ClientSession?> BeforeBindHandler(BeforeBindContext context);
