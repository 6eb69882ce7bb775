using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// Two Parley processes federating through the command line alone (--s2s-port, --s2s-route,
/// --s2s-cert-policy, certificates in --config): users on each become contacts, see each
/// other's presence and chat, once over dialback and once over SASL EXTERNAL.
/// </summary>
[Collection(FederationCollection.Name)]
public sealed class ParleyFederationTests
{
    // XEP-0220 with self-signed certificates, static routes both ways (no DNS).
    [Fact]
    [Trait("Conformance", "XEP-0220; RFC 6120 §5.4; RFC 6121 §3.1 §4.2 §5.1")]
    public Task Two_parley_servers_federate_over_dialback_through_static_routes() => ProveAsync(certificates: false, "dialback");

    // SASL EXTERNAL with certificates from a CA both trust (S2s:CaCertificatesPath), policy require.
    [Fact]
    [Trait("Conformance", "XEP-0178; RFC 6120 §6.4 §13.7.2; RFC 6121 §3.1 §4.2 §5.1")]
    public Task Two_parley_servers_federate_over_sasl_external_through_static_routes() => ProveAsync(certificates: true, "EXTERNAL");

    private static async Task ProveAsync(bool certificates, string mechanism)
    {
        await using var pair = await ParleyPair.StartAsync(certificates);
        await WithDiagnostics.RunAsync(
            async () =>
            {
                var alice = await pair.North.CreateAccountAsync("alice");
                var bob = await pair.South.CreateAccountAsync("bob");

                await FederatedContact.ProveAsync(pair.ClientOptions(pair.North, alice), pair.ClientOptions(pair.South, bob));

                // Each server opened one authenticated stream to the other and logged how.
                foreach (var server in new[] { pair.North, pair.South })
                {
                    await server.WaitForLineAsync(
                        line => line.Contains("Outbound stream", StringComparison.Ordinal) && line.Contains("authenticated", StringComparison.Ordinal)
                            && line.Contains(mechanism, StringComparison.OrdinalIgnoreCase),
                        TimeSpan.FromSeconds(1));
                }
            },
            () => pair.Diagnostics);
    }
}
