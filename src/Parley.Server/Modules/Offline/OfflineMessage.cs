using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Offline;

/// <summary>A stored message: its position in the account's queue, the stanza as received, and when.</summary>
internal sealed record OfflineMessage(long Id, Element Stanza, DateTimeOffset ReceivedAt);
