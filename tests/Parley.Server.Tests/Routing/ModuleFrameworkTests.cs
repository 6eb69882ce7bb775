using Parley.Server.Modules;
using Parley.Server.Modules.Events;
using Parley.Server.Modules.Ping;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Routing;

/// <summary>
/// The module framework itself (issue 10): chain order on both sides, the sender-side chain for
/// every addressee, stanza filters on routed and generated stanzas, per-session outbound filters,
/// stream-element handlers, events and duplicate keys; through the real router and delivery path.
/// </summary>
public sealed class ModuleFrameworkTests
{
    // These tests never ping an account's bare JID, so the roster store behind AccountPrivacy is never asked.
    private static readonly AccountPrivacy NoAccountQueries = new(null!);

    private sealed class TestModule(Action<ModuleMap> map) : IXmppModule
    {
        public void Map(ModuleMap map1) => map(map1);
    }

    private static Func<ModuleHarness, IXmppModule> Module(Action<ModuleMap> map) => _ => new TestModule(map);

    private static StanzaHandler Record(List<string> log, string name, Handling handling = Handling.Continue) => context =>
    {
        log.Add(name);
        return ValueTask.FromResult(handling);
    };

    [Fact]
    public async Task Recipient_chain_runs_by_order_then_registration_and_stops_at_done()
    {
        var log = new List<string>();
        var harness = new ModuleHarness(
            Module(m => m.Message(Addressed.Account | Addressed.Resource, Record(log, "fallback"), Order.Fallback)),
            Module(m => m.Message(Addressed.Account | Addressed.Resource, Record(log, "normal-1"))),
            Module(m => m.Message(Addressed.Account | Addressed.Resource, Record(log, "first"), Order.First)),
            Module(m => m.Message(Addressed.Account | Addressed.Resource, Record(log, "normal-2", Handling.Done))),
            Module(m => m.Message(Addressed.Account | Addressed.Resource, Record(log, "never"))));
        var (romeo, _) = harness.Bind("romeo@example.com/a");
        harness.Bind("juliet@example.com/b");

        await harness.Router.RouteAsync(romeo, ModuleHarness.Message("juliet@example.com"), default);

        Assert.Equal(["first", "normal-1", "normal-2"], log);
    }

    [Fact]
    public async Task Sender_side_chain_runs_before_the_recipient_side_for_a_local_addressee()
    {
        var log = new List<string>();
        var harness = new ModuleHarness(
            Module(m => m.Message(Addressed.Account | Addressed.Resource, Record(log, "recipient", Handling.Done))),
            Module(m => m.Outgoing(StanzaKinds.Message, Addressed.Account | Addressed.Resource | Addressed.Remote, Record(log, "sender"))));
        var (romeo, _) = harness.Bind("romeo@example.com/a");
        harness.Bind("juliet@example.com/b");

        await harness.Router.RouteAsync(romeo, ModuleHarness.Message("juliet@example.com/b"), default);

        Assert.Equal(["sender", "recipient"], log);
    }

    [Fact]
    public async Task Sender_side_chain_sees_messages_to_other_domains_and_done_keeps_them_here()
    {
        var seen = new List<(Addressed, Jid?)>();
        var keep = false;
        var harness = new ModuleHarness(Module(m => m.Outgoing(StanzaKinds.Message, Addressed.Remote, context =>
        {
            seen.Add((context.Addressed, context.To));
            return ValueTask.FromResult(keep ? Handling.Done : Handling.Continue);
        })));
        var (romeo, _) = harness.Bind("romeo@example.com/a");

        await harness.Router.RouteAsync(romeo, ModuleHarness.Message("mercutio@verona.example"), default);
        keep = true;
        await harness.Router.RouteAsync(romeo, ModuleHarness.Message("tybalt@verona.example"), default);

        Assert.Equal([(Addressed.Remote, Jid.Parse("mercutio@verona.example")), (Addressed.Remote, Jid.Parse("tybalt@verona.example"))], seen);
        var left = Assert.Single(harness.Remote.Sent);
        Assert.Equal("mercutio@verona.example", left.To.ToString());
        Assert.Equal("romeo@example.com/a", left.Stanza.GetAttribute("from"));
    }

    [Fact]
    public async Task Sender_side_chain_filters_by_kind_and_sees_iq_and_presence()
    {
        var kinds = new List<string>();
        var harness = new ModuleHarness(
            Module(m => m.Outgoing(StanzaKinds.Iq | StanzaKinds.Presence, Addressed.Account | Addressed.Resource | Addressed.Remote | Addressed.Server, context =>
            {
                kinds.Add(context.Stanza.Name);
                return ValueTask.FromResult(Handling.Done);
            })));
        var (romeo, _) = harness.Bind("romeo@example.com/a");

        await harness.Router.RouteAsync(romeo, ModuleHarness.Message("mercutio@verona.example"), default);
        await harness.Router.RouteAsync(romeo, new Element("presence", Namespaces.Client).SetAttribute("to", "mercutio@verona.example"), default);
        var iq = new Element("iq", Namespaces.Client).SetAttribute("type", "get").SetAttribute("id", "1").SetAttribute("to", "example.com");
        iq.AddElement("ping", Namespaces.Ping);
        await harness.Router.RouteAsync(romeo, iq, default);

        Assert.Equal(["presence", "iq"], kinds);
    }

    [Fact]
    public async Task Stanzas_from_another_domain_meet_only_the_recipient_side()
    {
        var log = new List<string>();
        var harness = new ModuleHarness(
            Module(m => m.Outgoing(StanzaKinds.All, Addressed.Account | Addressed.Resource, Record(log, "sender"))),
            Module(m => m.Message(Addressed.Account | Addressed.Resource, context =>
            {
                log.Add(context.From.Kind.ToString());
                return ValueTask.FromResult(Handling.Done);
            })));
        harness.Bind("juliet@example.com/b");
        var message = ModuleHarness.Message("juliet@example.com").SetAttribute("from", "mercutio@verona.example/x");

        await harness.Router.RouteFromRemoteAsync(Origin.Remote(Jid.Parse("mercutio@verona.example/x")), message, Jid.Parse("juliet@example.com"), default);

        Assert.Equal([nameof(OriginKind.RemoteServer)], log);
    }

    [Fact]
    public async Task A_filter_refusal_is_bounced_to_the_origin_before_either_chain()
    {
        var log = new List<string>();
        var harness = new ModuleHarness(
            Module(m => m.Filter(context => ValueTask.FromResult<StanzaError?>(
                context.To!.Local == "tybalt" ? StanzaError.Of(StanzaErrorCondition.NotAcceptable) : null))),
            Module(m => m.Outgoing(StanzaKinds.Message, Addressed.Remote, Record(log, "sender"))));
        var (romeo, transport) = harness.Bind("romeo@example.com/a");

        await harness.Router.RouteAsync(romeo, ModuleHarness.Message("tybalt@verona.example").SetAttribute("id", "m1"), default);

        Assert.Empty(log);
        Assert.Empty(harness.Remote.Sent);
        var error = Assert.Single(transport.Sent);
        Assert.Equal("error", error.GetAttribute("type"));
        Assert.Equal("m1", error.GetAttribute("id"));
        Assert.NotNull(error.Child("error", Namespaces.Client)?.Child("not-acceptable", Namespaces.Stanzas));
    }

    [Fact]
    public async Task Generated_stanzas_meet_the_same_filters_and_the_server_itself_is_told_apart()
    {
        var origins = new List<(OriginKind Kind, bool Itself)>();
        var harness = new ModuleHarness(
            Module(m => m.Filter(context =>
            {
                origins.Add((context.From.Kind, context.From.IsServerItself));
                return ValueTask.FromResult<StanzaError?>(context.From.IsServerItself ? null : StanzaError.Of(StanzaErrorCondition.NotAcceptable));
            })));
        var (_, transport) = harness.Bind("juliet@example.com/b");
        var romeo = Jid.Parse("romeo@example.com");
        var juliet = Jid.Parse("juliet@example.com/b");
        var presence = new Element("presence", Namespaces.Client).SetAttribute("from", "romeo@example.com/a");

        var refused = await harness.Delivery.DeliverAsync(Origin.Server(romeo), presence, harness.Sessions.Find(juliet)!, default);
        var delivered = await harness.Delivery.DeliverAsync(Origin.ServerOf(romeo), presence, harness.Sessions.Find(juliet)!, default);

        Assert.False(refused);
        Assert.True(delivered);
        Assert.Equal([(OriginKind.Server, false), (OriginKind.Server, true)], origins);
        Assert.Same(presence, Assert.Single(transport.Sent));
    }

    [Fact]
    public void Outbound_filters_see_every_stanza_to_a_session_and_may_take_it()
    {
        var seen = new List<string>();
        var harness = new ModuleHarness(
            Module(m => m.Outbound((recipient, stanza) =>
            {
                seen.Add($"{recipient.Jid}:{stanza.Name}");
                return stanza.Child("body", Namespaces.Client)?.Text == "hold" ? OutboundVerdict.Taken : OutboundVerdict.Pass;
            })));
        var (juliet, transport) = harness.Bind("juliet@example.com/b");

        Assert.True(juliet.Send(ModuleHarness.Message("juliet@example.com/b", "hold")));
        Assert.True(juliet.Send(ModuleHarness.Message("juliet@example.com/b", "pass")));
        harness.Delivery.Reply(juliet, new Element("iq", Namespaces.Client).SetAttribute("type", "result"));

        Assert.Equal(["juliet@example.com/b:message", "juliet@example.com/b:message", "juliet@example.com/b:iq"], seen);
        Assert.Equal(["pass", null], transport.Sent.Select(s => s.Child("body", Namespaces.Client)?.Text));
    }

    [Fact]
    public async Task Stream_elements_after_binding_reach_their_handler_and_others_stay_stream_errors()
    {
        var handled = new List<(string Jid, string Name)>();
        var harness = new ModuleHarness(Module(m => m.StreamElement("r", "urn:xmpp:sm:3", (session, element, _) =>
        {
            handled.Add((session.Jid.ToString(), element.Name));
            return ValueTask.CompletedTask;
        })));
        var (romeo, transport) = harness.Bind("romeo@example.com/a");

        await harness.Router.RouteAsync(romeo, new Element("r", "urn:xmpp:sm:3"), default);
        var error = await Assert.ThrowsAsync<StreamErrorException>(() => harness.Router.RouteAsync(romeo, new Element("a", "urn:xmpp:sm:3"), default).AsTask());

        Assert.Equal([("romeo@example.com/a", "r")], handled);
        Assert.Equal(StreamErrorCondition.UnsupportedStanzaType, error.Condition);
        Assert.Empty(transport.Sent);
    }

    [Fact]
    public void Duplicate_stream_element_key_fails_at_start_naming_both_modules()
    {
        var dispatcher = new ModuleDispatcher(
            () => [new TestModule(m => m.StreamElement("active", "urn:xmpp:csi:0", (_, _, _) => ValueTask.CompletedTask)),
                new PingModule(NoAccountQueries),
                new TestModule(m => m.StreamElement("active", "urn:xmpp:csi:0", (_, _, _) => ValueTask.CompletedTask))],
            new EventBus());

        var error = Assert.Throws<InvalidOperationException>(() => dispatcher.Build());

        Assert.Contains("urn:xmpp:csi:0", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(TestModule), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_reach_every_subscriber_in_registration_order_through_the_injected_bus()
    {
        var log = new List<string>();
        var harness = new ModuleHarness(
            Module(m => m.On<Unblocked>(e =>
            {
                log.Add("first:" + e.Account);
                return ValueTask.CompletedTask;
            })),
            Module(m => m.On<Unblocked>(async e =>
            {
                await Task.Yield();
                log.Add("second:" + e.Account);
            })));

        await harness.Events.PublishAsync(new Unblocked(Jid.Parse("romeo@example.com"), []));
        await harness.Events.PublishAsync(new SessionClosed(harness.Bind("romeo@example.com/a").Session, ClosedByClient: true));

        Assert.Equal(["first:romeo@example.com", "second:romeo@example.com"], log);
    }

    [Fact]
    public void Modules_declare_once_however_often_the_tables_are_asked_for()
    {
        var maps = 0;
        var dispatcher = new ModuleDispatcher(() => [new TestModule(_ => maps++)], new EventBus());

        var first = dispatcher.Build();
        var second = dispatcher.Build();

        Assert.Same(first, second);
        Assert.Equal(1, maps);
        Assert.Empty(dispatcher.OutgoingHandlers);
    }
}
