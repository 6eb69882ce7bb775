using Parley.Server.Modules.Messages;

namespace Parley.Server.Tests.Messages;

/// <summary>RFC 6121 §8.5 for messages: every type against every recipient situation.</summary>
public sealed class MessageRulesTests
{
    private const MessageAction Drop = MessageAction.Drop;
    private const MessageAction Bounce = MessageAction.Bounce;
    private const MessageAction Resource = MessageAction.DeliverToResource;
    private const MessageAction Highest = MessageAction.DeliverToHighestPriority;
    private const MessageAction AllNonNegative = MessageAction.DeliverToAllNonNegative;
    private const MessageAction Store = MessageAction.StoreOffline;

    // Columns: normal, chat, groupchat, headline, error.
    private static readonly Dictionary<Recipient, MessageAction[]> Table = new()
    {
        // §8.5.1: ignore or service-unavailable; headlines ignored as for an existing account.
        [Recipient.UnknownAccount] = [Bounce, Bounce, Bounce, Drop, Drop],
        // §8.5.3.1: a connected resource gets everything addressed to it.
        [Recipient.BoundResource] = [Resource, Resource, Resource, Resource, Resource],
        // §8.5.2.1.1.
        [Recipient.BareAvailable] = [Highest, Highest, Bounce, AllNonNegative, Drop],
        // §8.5.2.2.1.
        [Recipient.BareUnavailable] = [Store, Store, Bounce, Drop, Drop],
        // §8.5.3.2.1: as the bare JID, groupchat an error, errors ignored.
        [Recipient.UnboundResourceAvailable] = [Highest, Highest, Bounce, AllNonNegative, Drop],
        [Recipient.UnboundResourceUnavailable] = [Store, Store, Bounce, Drop, Drop],
    };

    /// <summary>Every cell of <see cref="Table"/>, by name (the enums are internal; test methods are public).</summary>
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (recipient, actions) in Table)
        {
            foreach (var type in Enum.GetValues<MessageType>())
            {
                data.Add(type.ToString(), recipient.ToString(), actions[(int)type].ToString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    [Trait("Conformance", "RFC 6121 §8.5")]
    public void Each_type_and_recipient_gets_the_rfc_action(string type, string recipient, string expected) =>
        Assert.Equal(Enum.Parse<MessageAction>(expected), MessageRules.Decide(Enum.Parse<MessageType>(type), Enum.Parse<Recipient>(recipient)));

    [Fact]
    public void The_table_covers_every_recipient_and_type()
    {
        Assert.Equal(Enum.GetValues<Recipient>().Order(), Table.Keys.Order());
        Assert.All(Table.Values, row => Assert.Equal(Enum.GetValues<MessageType>().Length, row.Length));
    }

    [Theory]
    [InlineData(null, "Normal")]
    [InlineData("normal", "Normal")]
    [InlineData("chat", "Chat")]
    [InlineData("groupchat", "Groupchat")]
    [InlineData("headline", "Headline")]
    [InlineData("error", "Error")]
    [InlineData("bogus", "Normal")]
    [Trait("Conformance", "RFC 6121 §5.2.2")]
    public void Absent_or_unknown_types_are_normal(string? type, string expected) =>
        Assert.Equal(Enum.Parse<MessageType>(expected), MessageRules.ParseType(type));
}
