using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// Parley federating with Debian's ejabberd 23.01 when both certificates come from a trusted test CA
/// but carry serverAuth only, as public CAs issue them since 2026. Parley (policy <c>require</c>)
/// accepts ejabberd's as the TLS client of ejabberd's stream: SASL EXTERNAL. ejabberd 23.01 refuses
/// Parley's for EXTERNAL ("unsupported certificate purpose", fixed in ejabberd 25.08), and Parley
/// falls back to Server Dialback on that stream (RFC 6120 §6.4.5, XEP-0178, XEP-0220).
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class EjabberdServerAuthOnlyFederationTests(EjabberdServerAuthOnlyFederation fixture) : IClassFixture<EjabberdServerAuthOnlyFederation>
{
    [Fact]
    [Trait("Conformance", "XEP-0178; XEP-0220; RFC 6120 §6.4.5 §13.7.2; RFC 6121 §3.1 §4.2 §5.1")]
    public Task Serverauth_only_certificates_federate_with_external_one_way_and_dialback_after_refused_external_the_other() => fixture.RunAsync(async () =>
    {
        var alice = await fixture.Parley.CreateAccountAsync("alice");

        await FederatedContact.ProveAsync(fixture.ParleyClientOptions(alice), fixture.EjabberdClientOptions(fixture.Bob));

        // The fallback was caused by the certificate's purpose, not by trust: ejabberd said so.
        await fixture.Ejabberd.ExpectLineAsync("unsupported certificate purpose", "no refusal of Parley's serverAuth-only certificate");

        // Both streams, as each side logged them: Parley's outbound and inbound, ejabberd's inbound and outbound.
        Assert.Contains($"{EjabberdFederation.ParleyDomain} → {EjabberdFederation.EjabberdDomain} authenticated by dialback", fixture.Parley.Output, StringComparison.Ordinal);
        Assert.Contains($"{EjabberdFederation.EjabberdDomain} authenticated for {EjabberdFederation.ParleyDomain} by SASL EXTERNAL", fixture.Parley.Output, StringComparison.Ordinal);
        await fixture.Ejabberd.AssertAuthenticatedAsync(EjabberdFederation.ParleyDomain, inbound: S2sAuthentication.Dialback, outbound: S2sAuthentication.SaslExternal);
    });
}
