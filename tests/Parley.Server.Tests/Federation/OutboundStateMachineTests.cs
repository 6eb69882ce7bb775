using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// Issue 11 item 1: Parley's outbound stream takes each answer only in the state that asked for it,
/// only after TLS (unless the domain's policy is "off") and only after the certificate policy
/// passed. A remote that answers our header with results nobody asked for gets a stream error, and
/// the queued message bounces to its sender, never written to that remote.
/// </summary>
public sealed class OutboundStateMachineTests
{
    private const string Remote = "evil.example";
    private const string Secret = "the plans for tomorrow";

    public static TheoryData<string, string> ForgedAnswers => new()
    {
        // The peer answers with its header and a db:result it was never asked for, with no TLS.
        { "dialback", "<db:result from='evil.example' to='localhost' type='valid'/>" },
        { "require", "<db:result from='evil.example' to='localhost' type='valid'/>" },
        // The peer answers with a SASL success for an auth never sent; then a header and empty features after our restart.
        { "dialback", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" },
        { "require", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" },
        // Unprefixed, as a peer may write it: read the same way.
        { "dialback", "<result xmlns='jabber:server:dialback' from='evil.example' to='localhost' type='valid'/>" },
    };

    [Theory]
    [MemberData(nameof(ForgedAnswers))]
    [Trait("Conformance", "RFC 6120 §5.3.1 XEP-0220 §2.1.3")]
    public async Task An_answer_nobody_asked_for_ends_the_stream_and_the_queue_bounces(string policy, string forged)
    {
        var (condition, transcript, bounce) = await RunAsync(policy, forged);

        Assert.Equal(StreamErrorCondition.NotAuthorized, condition);
        Assert.DoesNotContain(Secret, transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("<message", transcript, StringComparison.Ordinal);
        Assert.Equal("error", bounce.GetAttribute("type"));
        Assert.Equal("remote-server-not-found", ImClient.Condition(bounce));
    }

    [Theory]
    [InlineData("dialback")]
    [InlineData("require")]
    [Trait("Conformance", "RFC 6120 §5.3.1")]
    public async Task A_remote_without_tls_is_a_policy_violation_unless_the_policy_is_off(string policy)
    {
        // Features with dialback only: under "dialback" or "require" TLS is mandatory-to-negotiate.
        var (condition, transcript, bounce) = await RunAsync(policy, "<stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>");

        Assert.Equal(StreamErrorCondition.PolicyViolation, condition);
        Assert.DoesNotContain("<db:result", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, transcript, StringComparison.Ordinal);
        Assert.Equal("remote-server-not-found", ImClient.Condition(bounce));
    }

    [Fact]
    [Trait("Conformance", "XEP-0220 §2.1.1 §2.1.3")]
    public async Task Under_policy_off_a_valid_answer_to_our_db_result_releases_the_queue()
    {
        var delivered = new TaskCompletionSource<Element>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var remote = ScriptedRemote.Start(async raw =>
        {
            var header = await raw.ExpectHeaderAsync();
            await raw.SendAsync(ScriptedRemote.Header(header, "s1") + "<stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>");
            var result = await raw.ExpectAsync("result", Namespaces.Dialback);
            Assert.Contains("<db:result from='localhost' to='evil.example'>", raw.ReceivedText, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(result.Text));
            await raw.SendAsync("<db:result from='evil.example' to='localhost' type='valid'/>");
            delivered.SetResult(await raw.ExpectAsync("message", Namespaces.Server));
        });
        await using var server = await TestServer.StartAsync(("S2s:DomainPolicies:evil.example", "off"), ("S2s:Routes:evil.example", $"127.0.0.1:{remote.EndPoint.Port}"));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        await alice.SendAsync($"<message to='bob@{Remote}' type='chat' id='m1'><body>{Secret}</body></message>");
        var message = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("alice@localhost/phone", message.GetAttribute("from"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0220 §2.1.3")]
    public async Task A_db_result_never_answered_bounces_the_queue_with_remote_server_timeout()
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var remote = ScriptedRemote.Start(async raw =>
        {
            var header = await raw.ExpectHeaderAsync();
            await raw.SendAsync(ScriptedRemote.Header(header, "s1") + "<stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>");
            await raw.ExpectAsync("result", Namespaces.Dialback);
            sent.SetResult();

            // Silence: S2s:DialbackTimeoutSeconds ends the wait.
            await raw.ExpectStreamErrorAsync(StreamErrorCondition.ConnectionTimeout);
        });
        await using var server = await TestServer.StartAsync(
            ("S2s:DomainPolicies:evil.example", "off"),
            ("S2s:Routes:evil.example", $"127.0.0.1:{remote.EndPoint.Port}"),
            ("S2s:DialbackTimeoutSeconds", "1"),
            ("Limits:NegotiationTimeoutSeconds", "60"));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        await alice.SendAsync($"<message to='bob@{Remote}' type='chat' id='m1'><body>{Secret}</body></message>");
        await sent.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var started = DateTime.UtcNow;
        var bounce = await alice.WaitForAsync(e => e.GetAttribute("id") == "m1", "the bounce");
        Assert.Equal("remote-server-timeout", ImClient.Condition(bounce));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "bounded by S2s:DialbackTimeoutSeconds, not the negotiation timeout");
        await remote.CompletedAsync();
    }

    /// <summary>
    /// A message from alice to the remote whose (scripted) server sends <paramref name="answer"/>
    /// right after its header; the scripted server then plays along (a header and empty features
    /// for each header Parley sends) until Parley ends the stream. Returns the stream error, what
    /// Parley wrote to the remote, and the bounce alice got.
    /// </summary>
    private static async Task<(StreamErrorCondition Condition, string Transcript, Element Bounce)> RunAsync(string policy, string answer)
    {
        var outcome = new TaskCompletionSource<(StreamErrorCondition, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var remote = ScriptedRemote.Start(async raw =>
        {
            var header = await raw.ExpectHeaderAsync();
            await raw.SendAsync(ScriptedRemote.Header(header, "s1") + answer);
            while (await raw.NextAsync() is { } next)
            {
                if (next.Kind == XmlStreamEventKind.StreamOpened)
                {
                    await raw.SendAsync(ScriptedRemote.Header(next.Element!, "s2") + "<stream:features/>");
                }
                else if (next.Element?.Is("error", Namespaces.Streams) == true)
                {
                    await raw.ExpectClosedAsync();
                    outcome.TrySetResult((StreamError.ConditionOf(next.Element), raw.ReceivedText));
                    return;
                }
                else if (next.Kind != XmlStreamEventKind.Element)
                {
                    break;
                }
            }

            outcome.TrySetException(new Xunit.Sdk.XunitException("No stream error; Parley wrote: " + raw.ReceivedText));
        });
        await using var server = await TestServer.StartAsync(("S2s:CertificatePolicy", policy), ("S2s:Routes:evil.example", $"127.0.0.1:{remote.EndPoint.Port}"));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        await alice.SendAsync($"<message to='bob@{Remote}' type='chat' id='m1'><body>{Secret}</body></message>");
        var (condition, transcript) = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var bounce = await alice.WaitForAsync(e => e.GetAttribute("id") == "m1", "the bounce");
        return (condition, transcript, bounce);
    }
}
