using Parley.Server.Sessions;

namespace Parley.Server.Modules.Messages;

/// <summary>RFC 6121 §8.5 for messages to local JIDs, as a pure function of the type and the recipient.</summary>
internal static class MessageRules
{
    /// <summary>RFC 6121 §5.2.2: an absent or unknown type is treated as "normal".</summary>
    public static MessageType ParseType(string? type) => type switch
    {
        "chat" => MessageType.Chat,
        "groupchat" => MessageType.Groupchat,
        "headline" => MessageType.Headline,
        "error" => MessageType.Error,
        _ => MessageType.Normal,
    };

    public static MessageAction Decide(MessageType type, Recipient recipient) => (recipient, type) switch
    {
        // §8.5.3.1: a connected resource named exactly gets every message, whatever its presence.
        (Recipient.BoundResource, _) => MessageAction.DeliverToResource,

        // RFC 6120 §8.3.1 and RFC 6121 §8.5.2.1.1, §8.5.2.2.1, §8.5.3.2.1: errors to anything else are ignored.
        (_, MessageType.Error) => MessageAction.Drop,

        // §8.5.1: the server may ignore or bounce. Headlines are ignored as they are for an existing
        // account without resources, and chat/normal/groupchat bounce like an account that stores
        // nothing would, so the answer tells no more than §8.5.1 allows.
        (Recipient.UnknownAccount, MessageType.Headline) => MessageAction.Drop,
        (Recipient.UnknownAccount, _) => MessageAction.Bounce,

        // §8.5.2.1.1, §8.5.2.2.1 and §8.5.3.2.1: groupchat to a user's bare JID or an unbound resource is an error.
        (_, MessageType.Groupchat) => MessageAction.Bounce,

        // §8.5.3.2.1: normal, chat and headline to an unbound resource are handled as if sent to the
        // bare JID, so the two "unbound" rows fall through to the bare ones below.
        (Recipient.BareAvailable or Recipient.UnboundResourceAvailable, MessageType.Headline) => MessageAction.DeliverToAllNonNegative,

        // §8.5.2.1.1: the "most available" resources; Parley (like Prosody) sends to every resource
        // sharing the highest non-negative priority, not to one chosen among equals.
        (Recipient.BareAvailable or Recipient.UnboundResourceAvailable, _) => MessageAction.DeliverToHighestPriority,

        // §8.5.2.2.1: headlines for an account with no (non-negative) available resource are ignored.
        (_, MessageType.Headline) => MessageAction.Drop,

        // §8.5.2.2.1 and §8.5.2.1.1 (only negative priorities): normal and chat are stored offline.
        _ => MessageAction.StoreOffline,
    };

    /// <summary>
    /// The highest priority among available resources, or null when none is available with a
    /// non-negative one: a message to the bare JID goes to the resources of this priority (§8.5.2.1.1).
    /// </summary>
    public static int? HighestPriority(IReadOnlyList<ClientSession> resources)
    {
        int? best = null;
        foreach (var r in resources)
        {
            // RFC 6121 §8.5.2.1.1: a negative priority never receives messages sent to the bare JID.
            if (r.IsAvailable && r.Priority >= 0 && (best is null || r.Priority > best))
            {
                best = r.Priority;
            }
        }

        return best;
    }
}
