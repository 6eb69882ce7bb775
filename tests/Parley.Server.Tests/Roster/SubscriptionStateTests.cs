using Parley.Server.Modules.Roster;

namespace Parley.Server.Tests.Roster;

/// <summary>
/// RFC 6121 Appendix A, one case per table row: states are written as the RFC names them
/// ("None + Pending Out" is "None+PO"), each current state × each stanza type.
/// </summary>
public sealed class SubscriptionStateTests
{
    private static SubscriptionState State(string name) => name switch
    {
        "None" => new(Subscription.None),
        "None+PO" => new(Subscription.None, PendingOut: true),
        "None+PI" => new(Subscription.None, PendingIn: true),
        "None+PO+PI" => new(Subscription.None, PendingOut: true, PendingIn: true),
        "To" => new(Subscription.To),
        "To+PI" => new(Subscription.To, PendingIn: true),
        "From" => new(Subscription.From),
        "From+PO" => new(Subscription.From, PendingOut: true),
        "Both" => new(Subscription.Both),
        _ => throw new ArgumentException(name),
    };

    private static SubscriptionStanza Kind(string type) => RosterXml.ParseStanzaType(type)!.Value;

    [Theory]
    [Trait("Conformance", "RFC 6121 A.2.1")]
    [InlineData("None", "None+PO")]
    [InlineData("None+PO", "None+PO")]
    [InlineData("None+PI", "None+PO+PI")]
    [InlineData("None+PO+PI", "None+PO+PI")]
    [InlineData("To", "To")]
    [InlineData("To+PI", "To+PI")]
    [InlineData("From", "From+PO")]
    [InlineData("From+PO", "From+PO")]
    [InlineData("Both", "Both")]
    public void Outbound_subscribe(string before, string after)
    {
        var outcome = State(before).Outbound(SubscriptionStanza.Subscribe);
        Assert.Equal(State(after), outcome.State);
        Assert.True(outcome.Forward);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 A.2.2")]
    [InlineData("None", "None")]
    [InlineData("None+PO", "None")]
    [InlineData("None+PI", "None+PI")]
    [InlineData("None+PO+PI", "None+PI")]
    [InlineData("To", "None")]
    [InlineData("To+PI", "None+PI")]
    [InlineData("From", "From")]
    [InlineData("From+PO", "From")]
    [InlineData("Both", "From")]
    public void Outbound_unsubscribe(string before, string after)
    {
        var outcome = State(before).Outbound(SubscriptionStanza.Unsubscribe);
        Assert.Equal(State(after), outcome.State);
        Assert.True(outcome.Forward);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 A.2.3")]
    [InlineData("None", "None", false)]
    [InlineData("None+PO", "None+PO", false)]
    [InlineData("None+PI", "From", true)]
    [InlineData("None+PO+PI", "From+PO", true)]
    [InlineData("To", "To", false)]
    [InlineData("To+PI", "Both", true)]
    [InlineData("From", "From", true)]
    [InlineData("From+PO", "From+PO", true)]
    [InlineData("Both", "Both", true)]
    public void Outbound_subscribed(string before, string after, bool routed)
    {
        var outcome = State(before).Outbound(SubscriptionStanza.Subscribed);
        Assert.Equal(State(after), outcome.State with { Approved = false });
        Assert.Equal(routed, outcome.Forward);

        // RFC 6121 §3.4.1: without a pending request, subscribed is a pre-approval, never routed.
        Assert.Equal(!routed, outcome.State.Approved);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 A.2.4")]
    [InlineData("None", "None")]
    [InlineData("None+PO", "None+PO")]
    [InlineData("None+PI", "None")]
    [InlineData("None+PO+PI", "None+PO")]
    [InlineData("To", "To")]
    [InlineData("To+PI", "To")]
    [InlineData("From", "None")]
    [InlineData("From+PO", "None+PO")]
    [InlineData("Both", "To")]
    public void Outbound_unsubscribed(string before, string after)
    {
        var outcome = State(before).Outbound(SubscriptionStanza.Unsubscribed);
        Assert.Equal(State(after), outcome.State);
        Assert.True(outcome.Forward);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 A.3.1")]
    [InlineData("None", "None+PI", true, false)]
    [InlineData("None+PO", "None+PO+PI", true, false)]
    [InlineData("None+PI", "None+PI", false, false)]
    [InlineData("None+PO+PI", "None+PO+PI", false, false)]
    [InlineData("To", "To+PI", true, false)]
    [InlineData("To+PI", "To+PI", false, false)]
    [InlineData("From", "From", false, true)]
    [InlineData("From+PO", "From+PO", false, true)]
    [InlineData("Both", "Both", false, true)]
    public void Inbound_subscribe(string before, string after, bool delivered, bool autoReply)
    {
        var outcome = State(before).Inbound(SubscriptionStanza.Subscribe);
        Assert.Equal(State(after), outcome.State);
        Assert.Equal(delivered, outcome.Forward);
        Assert.Equal(autoReply, outcome.AutoReplySubscribed);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 A.3.2")]
    [InlineData("None", "None", false)]
    [InlineData("None+PO", "None+PO", false)]
    [InlineData("None+PI", "None", true)]
    [InlineData("None+PO+PI", "None+PO", true)]
    [InlineData("To", "To", false)]
    [InlineData("To+PI", "To", true)]
    [InlineData("From", "None", true)]
    [InlineData("From+PO", "None+PO", true)]
    [InlineData("Both", "To", true)]
    public void Inbound_unsubscribe(string before, string after, bool delivered)
    {
        var outcome = State(before).Inbound(SubscriptionStanza.Unsubscribe);
        Assert.Equal(State(after), outcome.State);
        Assert.Equal(delivered, outcome.Forward);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 A.3.3")]
    [InlineData("None", "None", false)]
    [InlineData("None+PO", "To", true)]
    [InlineData("None+PI", "None+PI", false)]
    [InlineData("None+PO+PI", "To+PI", true)]
    [InlineData("To", "To", false)]
    [InlineData("To+PI", "To+PI", false)]
    [InlineData("From", "From", false)]
    [InlineData("From+PO", "Both", true)]
    [InlineData("Both", "Both", false)]
    public void Inbound_subscribed(string before, string after, bool delivered)
    {
        var outcome = State(before).Inbound(SubscriptionStanza.Subscribed);
        Assert.Equal(State(after), outcome.State);
        Assert.Equal(delivered, outcome.Forward);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 A.3.4")]
    [InlineData("None", "None", false)]
    [InlineData("None+PO", "None", true)]
    [InlineData("None+PI", "None+PI", false)]
    [InlineData("None+PO+PI", "None+PI", true)]
    [InlineData("To", "None", true)]
    [InlineData("To+PI", "None+PI", true)]
    [InlineData("From", "From", false)]
    [InlineData("From+PO", "From", true)]
    [InlineData("Both", "From", true)]
    public void Inbound_unsubscribed(string before, string after, bool delivered)
    {
        var outcome = State(before).Inbound(SubscriptionStanza.Unsubscribed);
        Assert.Equal(State(after), outcome.State);
        Assert.Equal(delivered, outcome.Forward);
    }

    [Theory]
    [Trait("Conformance", "RFC 6121 §3.4.2")]
    [InlineData("None", "From")]
    [InlineData("None+PO", "From+PO")]
    [InlineData("To", "Both")]
    public void Pre_approved_subscribe_is_approved_by_the_server(string before, string after)
    {
        var outcome = (State(before) with { Approved = true }).Inbound(SubscriptionStanza.Subscribe);
        Assert.Equal(State(after), outcome.State);
        Assert.False(outcome.Forward);
        Assert.True(outcome.AutoReplySubscribed);
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §3.4.1")]
    public void Unsubscribed_withdraws_a_pre_approval()
    {
        var approved = State("None").Outbound(Kind("subscribed")).State;
        Assert.True(approved.Approved);
        Assert.False(approved.Outbound(Kind("unsubscribed")).State.Approved);
    }
}
