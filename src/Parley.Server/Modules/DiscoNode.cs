namespace Parley.Server.Modules;

/// <summary>
/// Answers a XEP-0030 query (info or items) to one node of an addressee, or null when the node is
/// not this source's (or the asker may not know of it: the answer is then the unknown node's).
/// </summary>
internal delegate ValueTask<IqReply?> DiscoNode(IqContext request, string node);
