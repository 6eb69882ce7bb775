using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Server.Modules.Events;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.StreamManagement;

/// <summary>
/// XEP-0198 stream management on client streams: &lt;enable/&gt; after binding starts counting in both
/// directions (the session records what it sends, <see cref="UnackedStanzas"/>, and counts what it
/// receives); &lt;r/&gt; and &lt;a/&gt; both ways, the server asking on its own after Modules:Sm:RequestAfterStanzas
/// stanzas or Modules:Sm:RequestAfterSeconds; a lost connection leaves a resumable session detached for its
/// resumption time (<see cref="ResumableSessions"/>), resumed with &lt;resume/&gt; on a new stream of the same
/// account. A session that ends for good hands its unacknowledged messages to <see cref="UnackedRedelivery"/>.
/// </summary>
internal sealed class StreamManagementModule(IOptions<StreamManagementOptions> options, ResumableSessions resumable, UnackedRedelivery redelivery, TimeProvider time)
    : IXmppModule
{
    /// <summary>XEP-0198 §4: the request element, the same for every stream (never modified once built).</summary>
    private static readonly Element AckRequest = new("r", Namespaces.StreamManagement);

    private readonly StreamManagementOptions _options = options.Value;

    public void Map(ModuleMap map)
    {
        // XEP-0198 §2: offered beside <bind/> after authentication.
        map.StreamFeature(StreamStage.PostAuthentication, _ => new Element("sm", Namespaces.StreamManagement));
        map.StreamElement("enable", Namespaces.StreamManagement, EnableAsync);
        map.StreamElement("r", Namespaces.StreamManagement, RequestedAsync);
        map.StreamElement("a", Namespaces.StreamManagement, AcknowledgedAsync);
        map.BeforeBind("enable", Namespaces.StreamManagement, EnableBeforeBind);
        map.BeforeBind("resume", Namespaces.StreamManagement, ResumeAsync);
        map.OnTransportLost(KeepForResumption);
        map.On<SessionClosed>(e =>
        {
            resumable.Remove(e.Session);
            return redelivery.RedeliverAsync(e.Session, e.ClosedByClient);
        });
    }

    /// <summary>
    /// XEP-0198 §3: starts counting from here, both ways; with resume='true' (and resumption on) the
    /// session gets a resumption id and a time, the client's 'max' if lower than Modules:Sm:ResumptionSeconds.
    /// A second &lt;enable/&gt; is unexpected-request.
    /// </summary>
    private ValueTask EnableAsync(ClientSession session, Element element, CancellationToken cancellationToken)
    {
        if (session.Features.Get<StreamManagementState>() is not null)
        {
            session.WriteControl(Failed(StanzaErrorCondition.UnexpectedRequest));
            return ValueTask.CompletedTask;
        }

        var wantsResume = element.GetAttribute("resume") is "true" or "1" && _options.ResumptionSeconds > 0;
        var seconds = _options.ResumptionSeconds;
        if (uint.TryParse(element.GetAttribute("max"), NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked > 0 && asked < seconds)
        {
            seconds = (int)asked;
        }

        var state = new StreamManagementState(ResumableSessions.NewId(), wantsResume ? seconds : 0, session.Received);
        session.Features.Set(state);
        var enabled = new Element("enabled", Namespaces.StreamManagement);
        if (wantsResume)
        {
            enabled.SetAttribute("id", state.Id).SetAttribute("resume", "true").SetAttribute("max", seconds.ToString(CultureInfo.InvariantCulture));
        }

        resumable.Add(state.Id, session);
        session.WriteControl(enabled, new UnackedStanzas(_options.MaxUnacked, _options.RequestAfterStanzas, AckRequest, time));
        return ValueTask.CompletedTask;
    }

    /// <summary>XEP-0198 §4: the client asks how many of its stanzas the server handled.</summary>
    private static ValueTask RequestedAsync(ClientSession session, Element element, CancellationToken cancellationToken)
    {
        session.WriteControl(session.Features.Get<StreamManagementState>() is { } state
            ? Answer("a", state.Handled(session))
            : Failed(StanzaErrorCondition.UnexpectedRequest));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// XEP-0198 §4: the client handled everything up to 'h'; an 'h' above what was sent ends the stream
    /// with undefined-condition and &lt;handled-count-too-high/&gt;.
    /// </summary>
    private static ValueTask AcknowledgedAsync(ClientSession session, Element element, CancellationToken cancellationToken)
    {
        if (session.Features.Get<StreamManagementState>() is null)
        {
            session.WriteControl(Failed(StanzaErrorCondition.UnexpectedRequest));
            return ValueTask.CompletedTask;
        }

        var h = ParseH(element);
        if (!session.Acknowledge(h))
        {
            throw HandledCountTooHigh(h, session.Unacked!.Sent);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>XEP-0198 §3: enabling before a resource is bound is unexpected-request; the stream goes on.</summary>
    private static ValueTask<ClientSession?> EnableBeforeBind(BeforeBindContext context)
    {
        context.Reply(Failed(StanzaErrorCondition.UnexpectedRequest));
        return ValueTask.FromResult<ClientSession?>(null);
    }

    /// <summary>
    /// XEP-0198 §5: resumes a session of the authenticated account by its id: &lt;resumed/&gt; with how many
    /// stanzas the server handled, then every stanza the client did not acknowledge, in order, then the
    /// rest. An unknown id, one of another account, or a session that ended gets item-not-found (the
    /// client may bind a new resource on this stream).
    /// </summary>
    private ValueTask<ClientSession?> ResumeAsync(BeforeBindContext context)
    {
        var previd = context.Element.GetAttribute("previd");
        var h = ParseH(context.Element);
        if (previd is null || !resumable.TryFind(previd, context.Account, out var session, out var state))
        {
            context.Reply(Failed(StanzaErrorCondition.ItemNotFound));
            return ValueTask.FromResult<ClientSession?>(null);
        }

        var resumed = Answer("resumed", state.Handled(session)).SetAttribute("previd", previd);
        switch (session.Attach(context.Transport, resumed, h))
        {
            case ResumeOutcome.Resumed:
                return ValueTask.FromResult<ClientSession?>(session);
            case ResumeOutcome.HandledCountTooHigh:
                throw HandledCountTooHigh(h, session.Unacked!.Sent);
            default:
                context.Reply(Failed(StanzaErrorCondition.ItemNotFound, state.Handled(session)));
                return ValueTask.FromResult<ClientSession?>(null);
        }
    }

    /// <summary>XEP-0198 §5: a resumable session outlives a connection lost or timed out, for its resumption time.</summary>
    private static TimeSpan? KeepForResumption(ClientSession session, TransportEnd end) =>
        end is TransportEnd.Lost or TransportEnd.TimedOut && session.Features.Get<StreamManagementState>() is { ResumptionSeconds: > 0 } state
            ? TimeSpan.FromSeconds(state.ResumptionSeconds)
            : null;

    private static uint ParseH(Element element) =>
        uint.TryParse(element.GetAttribute("h"), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            ? h
            : throw new StreamErrorException(StreamErrorCondition.InvalidXml, "'h' must be an unsigned 32-bit integer");

    private static Element Answer(string name, uint h) =>
        new Element(name, Namespaces.StreamManagement).SetAttribute("h", h.ToString(CultureInfo.InvariantCulture));

    /// <summary>XEP-0198 §3 and §5: &lt;failed/&gt; with a stanza error condition, and 'h' when the server knows it.</summary>
    private static Element Failed(StanzaErrorCondition condition, uint? h = null)
    {
        var failed = new Element("failed", Namespaces.StreamManagement);
        if (h is { } handled)
        {
            failed.SetAttribute("h", handled.ToString(CultureInfo.InvariantCulture));
        }

        failed.AddElement(ConditionNames<StanzaErrorCondition>.Name(condition), Namespaces.Stanzas);
        return failed;
    }

    /// <summary>XEP-0198 §4: the client acknowledged more than it was sent.</summary>
    private static StreamErrorException HandledCountTooHigh(uint h, uint sent) =>
        new(StreamErrorCondition.UndefinedCondition, null, new Element("handled-count-too-high", Namespaces.StreamManagement)
            .SetAttribute("h", h.ToString(CultureInfo.InvariantCulture))
            .SetAttribute("send", sent.ToString(CultureInfo.InvariantCulture)));
}
