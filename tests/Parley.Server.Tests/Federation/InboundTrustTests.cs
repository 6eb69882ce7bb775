using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Server.Tests.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// What a peer that opens a stream to Parley can and cannot make it believe: db:verify answers only
/// for requests Parley sent on a TLS-up stream (issue 11 item 1), TLS held to each authenticated
/// domain's own policy rather than to the header's 'from' (issue 11, "also found"), chains built
/// with the intermediates the peer sent (item 9), and certificates with serverAuth only (issue 20).
/// </summary>
public sealed class InboundTrustTests : IDisposable
{
    private const string Local = "localhost";
    private readonly TempDataDirectory _files = new();

    public InboundTrustTests() => Directory.CreateDirectory(_files.Path);

    public void Dispose() => _files.Dispose();

    private static string Header(string from) =>
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' "
        + $"xmlns:db='jabber:server:dialback' from='{from}' to='{Local}' version='1.0'>";

    /// <summary>Opens a stream as <paramref name="from"/>, runs STARTTLS (presenting <paramref name="certificate"/>) and returns the new stream id and features.</summary>
    private static async Task<(string Id, Element Features)> SecureAsync(RawStream raw, string from, SslStreamCertificateContext? certificate = null)
    {
        await raw.OpenAsync(Header(from));
        await raw.StartTlsAsync(certificate);
        await raw.SendAsync(Header(from));
        var header = await raw.ExpectHeaderAsync();
        return (header.GetAttribute("id")!, await raw.ExpectAsync("features", Namespaces.Streams));
    }

    [Fact]
    [Trait("Conformance", "XEP-0220 §2.3.2")]
    public async Task A_db_verify_answer_before_tls_and_before_any_request_is_refused()
    {
        // The "authoritative server" Parley dials answers its header with a db:verify valid at once:
        // no TLS, no request of Parley's yet (issue 11 item 1).
        var streamId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var refused = new TaskCompletionSource<StreamErrorCondition>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var authority = ScriptedRemote.Start(async raw =>
        {
            var header = await raw.ExpectHeaderAsync();
            var id = await streamId.Task;
            await raw.SendAsync(ScriptedRemote.Header(header, "a1") + $"<db:verify from='victim.example' to='{Local}' id='{id}' type='valid'/>");
            var error = await raw.ExpectAsync();
            refused.SetResult(StreamError.ConditionOf(error));
        });
        await using var server = await TestServer.StartAsync(("S2s:Routes:victim.example", $"127.0.0.1:{authority.EndPoint.Port}"));
        await server.CreateAccountAsync("bob", "secret");
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        var (id, _) = await SecureAsync(raw, "victim.example");
        streamId.SetResult(id);

        await raw.SendAsync($"<db:result from='victim.example' to='{Local}'>0000</db:result>");
        var result = await raw.ExpectAsync("result", Namespaces.Dialback);
        Assert.NotEqual("valid", result.GetAttribute("type"));
        Assert.Equal(StreamErrorCondition.NotAuthorized, await refused.Task.WaitAsync(TimeSpan.FromSeconds(15)));

        await raw.SendAsync($"<message from='ceo@victim.example' to='bob@{Local}' type='chat'><body>wire the money</body></message>");
        await raw.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }

    [Theory]
    [InlineData("<db:result from='victim.example' to='localhost'>0000</db:result>")]
    [InlineData("<db:verify from='victim.example' to='localhost' id='x'>0000</db:verify>")]
    [Trait("Conformance", "RFC 6120 §5.3.1")]
    public async Task A_header_naming_a_domain_with_policy_off_does_not_excuse_other_domains_from_tls(string request)
    {
        // Issue 11 "also found": with a DomainPolicies entry "off", a stream claiming that domain
        // asked for dialback for any other domain in the clear.
        await using var authority = FakeAuthority.Start();
        await using var server = await TestServer.StartAsync(
            ("S2s:DomainPolicies:lax.example", "off"),
            ("S2s:Routes:lax.example", $"127.0.0.1:{authority.EndPoint.Port}"),
            ("S2s:Routes:victim.example", $"127.0.0.1:{authority.EndPoint.Port}"));
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        var features = await raw.OpenAsync(Header("lax.example"));
        Assert.Null(features.Child("starttls", Namespaces.Tls)?.Child("required", Namespaces.Tls));

        await raw.SendAsync(request);
        await raw.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);
    }

    [Fact]
    [Trait("Conformance", "XEP-0220 §4.3")]
    public async Task The_domain_with_policy_off_itself_still_authenticates_without_tls()
    {
        await using var authority = FakeAuthority.Start();
        await using var server = await TestServer.StartAsync(
            ("S2s:DomainPolicies:lax.example", "off"),
            ("S2s:Routes:lax.example", $"127.0.0.1:{authority.EndPoint.Port}"));
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        await raw.OpenAsync(Header("lax.example"));

        await raw.SendAsync($"<db:result from='lax.example' to='{Local}'>0000</db:result>");
        Assert.Equal("valid", (await raw.ExpectAsync("result", Namespaces.Dialback)).GetAttribute("type"));
        // Written with the prefix the header declared (XEP-0220 §2; issue 20).
        Assert.Contains($"<db:result from='{Local}' to='lax.example' type='valid'/>", raw.ReceivedText, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]?> Chains => new()
    {
        // root → intermediate → leaf, the intermediate sent by the peer (issue 11 item 9).
        { "intermediate", [TestCertificates.ServerAuthOid, TestCertificates.ClientAuthOid] },
        // serverAuth only, as public CAs issue them since 2026 (issue 20).
        { "intermediate", [TestCertificates.ServerAuthOid] },
        { "root", [TestCertificates.ServerAuthOid] },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    [Trait("Conformance", "RFC 7590 §3.1 XEP-0178 §3")]
    public async Task A_peer_certificate_from_a_trusted_chain_offers_and_passes_sasl_external(string issuerKind, string[]? purposes)
    {
        using var root = TestCertificates.Authority("Parley Test Root");
        using var intermediate = TestCertificates.Authority("Parley Test Intermediate", root);
        using var leaf = TestCertificates.Issue(issuerKind == "root" ? root : intermediate, ["peer.example"], purposes: purposes);
        var ca = Path.Combine(_files.Path, "root.pem");
        TestCertificates.WritePem(ca, root);
        await using var server = await TestServer.StartAsync(("S2s:CaCertificatesPath", ca));
        await using var raw = await RawStream.ConnectAsync(server.S2s);

        var context = SslStreamCertificateContext.Create(leaf, issuerKind == "root" ? null : [intermediate], offline: true);
        var (_, features) = await SecureAsync(raw, "peer.example", context);
        var mechanisms = features.Child("mechanisms", Namespaces.Sasl)?.Children("mechanism", Namespaces.Sasl).Select(m => m.Text);
        Assert.Equal(["EXTERNAL"], mechanisms);

        await raw.SendAsync("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>=</auth>");
        await raw.ExpectAsync("success", Namespaces.Sasl);
    }

    [Fact]
    [Trait("Conformance", "RFC 7590 §3.1")]
    public async Task An_intermediate_the_peer_sends_is_never_trusted_as_a_root()
    {
        using var root = TestCertificates.Authority("Parley Test Root");
        using var intermediate = TestCertificates.Authority("Parley Test Intermediate", root);
        using var leaf = TestCertificates.Issue(intermediate, ["peer.example"], purposes: [TestCertificates.ServerAuthOid]);
        using var stranger = TestCertificates.Authority("Someone Else's Root");
        var ca = Path.Combine(_files.Path, "stranger.pem");
        TestCertificates.WritePem(ca, stranger);
        await using var server = await TestServer.StartAsync(("S2s:CaCertificatesPath", ca));
        await using var raw = await RawStream.ConnectAsync(server.S2s);

        // The peer sends its whole chain, root included: none of it is trusted by being sent.
        var context = SslStreamCertificateContext.Create(leaf, [intermediate, root], offline: true);
        var (_, features) = await SecureAsync(raw, "peer.example", context);
        Assert.Null(features.Child("mechanisms", Namespaces.Sasl));
    }
}
