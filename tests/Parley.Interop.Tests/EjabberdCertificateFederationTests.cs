using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// Parley federating with Debian's ejabberd 23.01 when both certificates come from a test CA the
/// other side trusts and carry serverAuth and clientAuth: Parley's policy is <c>require</c> and each
/// stream is authenticated with SASL EXTERNAL (RFC 6120 §6, XEP-0178).
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class EjabberdCertificateFederationTests(EjabberdCertificateFederation fixture) : IClassFixture<EjabberdCertificateFederation>
{
    [Fact]
    [Trait("Conformance", "XEP-0178; RFC 6120 §5.4 §6.4 §13.7.2; RFC 6121 §3.1 §4.2 §5.1")]
    public Task Parley_and_ejabberd_users_subscribe_see_presence_and_chat_over_sasl_external() => fixture.RunAsync(async () =>
    {
        var alice = await fixture.Parley.CreateAccountAsync("alice");

        await FederatedContact.ProveAsync(fixture.ParleyClientOptions(alice), fixture.EjabberdClientOptions(fixture.Bob));

        // Both streams, as each side logged them: Parley's outbound and inbound, ejabberd's inbound and outbound.
        Assert.Contains($"{EjabberdFederation.ParleyDomain} → {EjabberdFederation.EjabberdDomain} authenticated by SASL EXTERNAL", fixture.Parley.Output, StringComparison.Ordinal);
        Assert.Contains($"{EjabberdFederation.EjabberdDomain} authenticated for {EjabberdFederation.ParleyDomain} by SASL EXTERNAL", fixture.Parley.Output, StringComparison.Ordinal);
        await fixture.Ejabberd.AssertAuthenticatedAsync(EjabberdFederation.ParleyDomain, inbound: S2sAuthentication.SaslExternal, outbound: S2sAuthentication.SaslExternal);
    });
}
