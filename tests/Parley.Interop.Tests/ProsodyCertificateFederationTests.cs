using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// Parley federating with Debian's Prosody when both certificates come from a CA the other side
/// trusts: Prosody requires valid certificates (s2s_secure_auth), Parley's policy is
/// <c>require</c>, and each stream is authenticated with SASL EXTERNAL (RFC 6120 §6, XEP-0178).
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class ProsodyCertificateFederationTests(ProsodyCertificateFederation fixture) : IClassFixture<ProsodyCertificateFederation>
{
    // RFC 6121 §3.1 both ways, §4 presence, §5 messages, across s2s streams authenticated with SASL EXTERNAL.
    [Fact]
    [Trait("Conformance", "XEP-0178; RFC 6120 §5.4 §6.4 §13.7.2; RFC 6121 §3.1 §4.2 §5.1")]
    public Task Parley_and_prosody_users_subscribe_see_presence_and_chat_over_sasl_external() => fixture.RunAsync(async () =>
    {
        var alice = await fixture.Parley.CreateAccountAsync("alice");

        await FederatedContact.ProveAsync(fixture.ParleyClientOptions(alice), fixture.ProsodyClientOptions(fixture.Bob));

        fixture.Prosody.AssertAuthenticated(ProsodyFederation.ParleyDomain, S2sAuthentication.SaslExternal);
    });
}
