using System.Net;
using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests;

/// <summary>
/// The federation fixture on its own, without Parley's s2s code: Debian's Prosody is installed,
/// starts from the generated configuration, serves the test CA's certificate, and finds
/// parley.example through the fixture's DNS server. When a federation test fails, this one
/// tells whether the fixture or Parley is to blame.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class ProsodyFixtureTests(ProsodyOnly fixture) : IClassFixture<ProsodyOnly>
{
    // RFC 6120 §5 (STARTTLS), §6 (SASL), §7 (bind) against Prosody, certificate checked against the test CA.
    [Fact]
    [Trait("Conformance", "RFC 6120 §5.4 §6.4 §7")]
    public Task Prosody_accepts_a_client_login_over_tls_with_the_test_ca_certificate() => fixture.RunAsync(async () =>
    {
        await using var bob = new XmppClient(fixture.ProsodyClientOptions(fixture.Bob));

        var jid = await bob.ConnectAsync();

        Assert.Equal(fixture.Bob.Jid, jid.Bare);
        Assert.NotEqual(System.Security.Authentication.SslProtocols.None, bob.TlsProtocol);
        Assert.StartsWith("SCRAM-", bob.SaslMechanism, StringComparison.Ordinal);
        await bob.CloseAsync();
        await bob.Completion;
    });

    // RFC 6120 §3.2.1: Prosody resolves _xmpp-server._tcp.parley.example through the fixture's
    // dnsmasq and connects to the target it names; a scripted listener stands where Parley will.
    [Fact]
    [Trait("Conformance", "RFC 6120 §3.2.1")]
    public Task Prosody_finds_parley_example_through_the_fixture_dns() => fixture.RunAsync(async () =>
    {
        await using var parleyStandIn = new ScriptedServer(new IPEndPoint(IPAddress.Parse(fixture.Parley.Host), fixture.Parley.S2sPort));
        await using var bob = new XmppClient(fixture.ProsodyClientOptions(fixture.Bob));
        await bob.ConnectAsync();

        await bob.SendAsync(ChatMessages.Create(Jid.Parse($"alice@{ProsodyFederation.ParleyDomain}"), "are you there?"));
        await parleyStandIn.AcceptAsync();
        var opened = await parleyStandIn.ReadAsync();

        Assert.Equal(XmlStreamEventKind.StreamOpened, opened.Kind);
        Assert.Equal(Namespaces.Server, parleyStandIn.StreamNamespace);
        Assert.Equal(ProsodyFederation.ParleyDomain, opened.Element!.GetAttribute("to"));
        Assert.Equal(ProsodyFederation.ProsodyDomain, opened.Element.GetAttribute("from"));
        await fixture.Dns.WaitForQueryAsync("SRV", $"_xmpp-server._tcp.{ProsodyFederation.ParleyDomain}");
    });
}
