using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// Parley federating with Debian's Prosody when neither can validate the other's (self-signed)
/// certificate: TLS is still negotiated, and each side proves its domain with Server Dialback
/// (XEP-0220) over DNS-free routes (Parley) and the test's DNS (Prosody).
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class ProsodyDialbackFederationTests(ProsodyDialbackFederation fixture) : IClassFixture<ProsodyDialbackFederation>
{
    // RFC 6121 §3.1 both ways, §4 presence, §5 messages, across s2s streams authenticated with XEP-0220.
    [Fact]
    [Trait("Conformance", "XEP-0220; RFC 6120 §5.4; RFC 6121 §3.1 §4.2 §5.1")]
    public Task Parley_and_prosody_users_subscribe_see_presence_and_chat_over_dialback() => fixture.RunAsync(async () =>
    {
        var alice = await fixture.Parley.CreateAccountAsync("alice");

        await FederatedContact.ProveAsync(fixture.ParleyClientOptions(alice), fixture.ProsodyClientOptions(fixture.Bob));

        fixture.Prosody.AssertAuthenticated(ProsodyFederation.ParleyDomain, S2sAuthentication.Dialback);
    });
}
