using System.Net;
using Parley.Client;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Parley and Debian's Prosody federating on one machine (../shared/interop/prosody-federation.md):
/// Prosody serves <see cref="ProsodyDomain"/> on 127.0.0.3; the rest is <see cref="PeerFederation"/>.
/// </summary>
public abstract class ProsodyFederation : PeerFederation
{
    public const string ProsodyDomain = "prosody.example";

    private static readonly IPAddress ProsodyAddress = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress DnsAddress = IPAddress.Parse("127.0.0.53");

    private readonly bool _startParley;
    private ProsodyServer? _prosody;

    /// <param name="certificates">
    /// True: a test CA issues both certificates, Prosody requires valid ones (s2s_secure_auth) and
    /// Parley's policy is <c>require</c>, so both directions use SASL EXTERNAL. False: self-signed
    /// certificates, s2s_secure_auth off and policy <c>dialback</c> (XEP-0220).
    /// </param>
    /// <param name="startParley">False to run Prosody and DNS only (the fixture's own check).</param>
    private protected ProsodyFederation(bool certificates, bool startParley)
        : base("prosody", ProsodyDomain, certificates)
    {
        _startParley = startParley;
    }

    internal ProsodyServer Prosody => _prosody ?? throw new InvalidOperationException("Not started.");

    private protected override string? PeerDiagnostics => _prosody?.Diagnostics;

    /// <summary>Client options for <see cref="PeerFederation.Bob"/> on Prosody.</summary>
    public XmppClientOptions ProsodyClientOptions(TestAccount account) =>
        PeerClientOptions(account, Prosody.Address, Prosody.C2sPort);

    private protected override async Task StartAsync(TestCertificates issuer, string peerDirectory)
    {
        var prosodyCertificate = issuer.Issue(ProsodyDomain);
        var parleyCertificate = issuer.Issue(ParleyDomain);
        var dns = await StartDnsAsync(DnsAddress, ProsodyDomain, ProsodyAddress);

        _prosody = new ProsodyServer(peerDirectory, ProsodyDomain, ProsodyAddress, prosodyCertificate, issuer.AuthorityPath, secureAuth: Certificates, dns);
        await _prosody.RegisterAsync(Bob.Name, Bob.Password);
        await _prosody.StartAsync();

        if (_startParley)
        {
            await StartParleyAsync(issuer, parleyCertificate, ProsodyDomain, new(ProsodyAddress, _prosody.S2sPort));
        }
    }

    private protected override async ValueTask DisposePeerAsync()
    {
        if (_prosody is not null)
        {
            await _prosody.DisposeAsync();
        }
    }
}
