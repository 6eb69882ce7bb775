using Parley.Xmpp.Stanzas;

namespace Parley.Server.Modules;

/// <summary>
/// A check every routed stanza with a 'to' passes before it is dispatched or leaves for another
/// domain (<see cref="ModuleMap.Filter"/>): null lets it through, an error refuses it. The router
/// answers a refusal through <c>Unhandled</c>, so presence, results and errors are dropped silently.
/// <see cref="StanzaContext.Addressed"/> is <see cref="Addressed.Remote"/> for another domain and
/// <see cref="Addressed.Component"/> for a component domain.
/// </summary>
internal delegate ValueTask<StanzaError?> StanzaFilter(StanzaContext context);
