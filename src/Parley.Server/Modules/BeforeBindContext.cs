using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules;

/// <summary>What a <see cref="BeforeBindHandler"/> gets: the stream's account, the element and a way to answer on this stream.</summary>
/// <param name="Account">The authenticated account (bare JID).</param>
/// <param name="Element">The element received.</param>
/// <param name="Transport">This stream's connection, which a resumed session is attached to.</param>
/// <param name="Reply">Writes an element on this stream.</param>
internal sealed record BeforeBindContext(
    Jid Account,
    Element Element,
    ISessionEndpoint Transport,
    Action<Element> Reply,
    CancellationToken CancellationToken);
