namespace Parley.Server.Modules;

internal delegate ValueTask<IqReply> IqHandler(IqContext context);
