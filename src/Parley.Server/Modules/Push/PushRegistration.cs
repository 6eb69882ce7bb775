using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Push;

/// <summary>
/// One XEP-0357 §5 registration as stored: the account, its app server and node ("" when the client
/// gave none), the publish-options form the client sent (serialized XML, often a secret: it goes to
/// that app server only), and when it was enabled (the oldest is forgotten first).
/// </summary>
internal sealed record PushRegistration(Jid Account, Jid AppServer, string Node, string? PublishOptions, DateTimeOffset EnabledAt);
