using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// Parley federating with Debian's ejabberd 23.01 (issue 20), which accepts dialback elements only
/// with the db: prefix declared on the stream header (XEP-0220 §2): with self-signed certificates
/// each side proves its domain with Server Dialback, after TLS and a refused SASL EXTERNAL.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class EjabberdDialbackFederationTests(EjabberdDialbackFederation fixture) : IClassFixture<EjabberdDialbackFederation>
{
    [Fact]
    [Trait("Conformance", "XEP-0220 §2; RFC 6120 §5.4; RFC 6121 §3.1 §4.2 §5.1")]
    public Task Parley_and_ejabberd_users_subscribe_see_presence_and_chat_over_dialback() => fixture.RunAsync(async () =>
    {
        var alice = await fixture.Parley.CreateAccountAsync("alice");

        await FederatedContact.ProveAsync(fixture.ParleyClientOptions(alice), fixture.EjabberdClientOptions(fixture.Bob));

        // Both streams, as each side logged them: Parley's outbound and inbound, ejabberd's inbound and outbound.
        Assert.Contains($"{EjabberdFederation.ParleyDomain} → {EjabberdFederation.EjabberdDomain} authenticated by dialback", fixture.Parley.Output, StringComparison.Ordinal);
        Assert.Contains($"{EjabberdFederation.EjabberdDomain} authenticated for {EjabberdFederation.ParleyDomain} by dialback", fixture.Parley.Output, StringComparison.Ordinal);
        await fixture.Ejabberd.AssertAuthenticatedAsync(EjabberdFederation.ParleyDomain, inbound: S2sAuthentication.Dialback, outbound: S2sAuthentication.Dialback);
    });
}
