using System.Security.Cryptography.X509Certificates;
using Parley.Server.Tests.Roster;
using Parley.Server.Tests.Storage;
using Parley.Xmpp;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// Certificates between two Parley servers (RFC 7590, XEP-0178): with a CA made by the test and
/// trusted through S2s:CaCertificatesPath, both sides authenticate by SASL EXTERNAL; with the
/// generated self-signed certificates, policy "require" refuses the peer.
/// </summary>
public sealed class CertificateFederationTests : IDisposable
{
    private readonly TempDataDirectory _files = new();

    public CertificateFederationTests() => Directory.CreateDirectory(_files.Path);

    public void Dispose() => _files.Dispose();

    [Fact]
    [Trait("Conformance", "RFC 7590 §3.1 XEP-0178 §3")]
    public async Task Certificates_from_a_trusted_ca_authenticate_both_ways_by_sasl_external()
    {
        using var authority = TestCertificates.Authority("Parley Test CA");
        var ca = Path.Combine(_files.Path, "ca.pem");
        TestCertificates.WritePem(ca, authority);
        (string, string)[] Settings(string domain)
        {
            using var certificate = TestCertificates.Issue(authority, [domain]);
            var path = Path.Combine(_files.Path, domain + ".pfx");
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, "pw"));
            return [("Tls:CertificatePath", path), ("Tls:CertificatePassword", "pw"), ("S2s:CaCertificatesPath", ca), ("S2s:CertificatePolicy", "require")];
        }

        await using var servers = await FederatedServers.StartAsync(Settings(FederatedServers.DomainA), Settings(FederatedServers.DomainB));
        await using var alice = await SubscriptionTests.OnlineAsync(servers.A, "alice", "phone");
        await using var bob = await SubscriptionTests.OnlineAsync(servers.B, "bob", "laptop");

        await alice.SendAsync("<message to='bob@b.example' type='chat' id='m1'><body>signed</body></message>");
        Assert.Equal("signed", (await bob.WaitForAsync(e => e.GetAttribute("id") == "m1", "alice's message")).ChildText("body", Namespaces.Client));
        await bob.SendAsync("<message to='alice@a.example' type='chat' id='m2'><body>sealed</body></message>");
        Assert.Equal("sealed", (await alice.WaitForAsync(e => e.GetAttribute("id") == "m2", "bob's message")).ChildText("body", Namespaces.Client));

        Assert.Contains(servers.A.Logs.Entries, e => e.Message.Contains("a.example → b.example authenticated by SASL EXTERNAL", StringComparison.Ordinal));
        Assert.Contains(servers.B.Logs.Entries, e => e.Message.Contains("b.example → a.example authenticated by SASL EXTERNAL", StringComparison.Ordinal));
        Assert.DoesNotContain(servers.A.Logs.Entries, e => e.Message.Contains("by dialback", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Conformance", "RFC 7590 §3.1")]
    public async Task Policy_require_refuses_a_self_signed_peer_and_the_sender_hears_of_it()
    {
        await using var servers = await FederatedServers.StartAsync(("S2s:CertificatePolicy", "require"));
        await using var alice = await SubscriptionTests.OnlineAsync(servers.A, "alice", "phone");

        await alice.SendAsync("<message to='bob@b.example' type='chat' id='m1'><body>unproven</body></message>");
        var bounce = await alice.WaitForAsync(e => e.GetAttribute("id") == "m1", "the bounce");
        Assert.Equal("error", bounce.GetAttribute("type"));
        Assert.Equal("remote-server-not-found", ImClient.Condition(bounce));
        Assert.Contains(servers.A.Logs.Entries, e => e.Message.Contains("not valid for the domain", StringComparison.Ordinal));
    }
}
