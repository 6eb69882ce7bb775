namespace Parley.Server.Modules;

internal delegate ValueTask<Handling> StanzaHandler(StanzaContext context);
