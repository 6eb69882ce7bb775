using System.Net;
using Parley.Client;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Parley and Debian's ejabberd 23.01 federating on one machine (../shared/interop/ejabberd-federation.md):
/// ejabberd serves <see cref="EjabberdDomain"/> on 127.0.0.4; the rest is <see cref="PeerFederation"/>.
/// </summary>
public abstract class EjabberdFederation : PeerFederation
{
    public const string EjabberdDomain = "ejabberd.example";

    private static readonly IPAddress EjabberdAddress = IPAddress.Parse("127.0.0.4");
    /// <summary>An address of its own: the DNS server listens on port 53 there (see <see cref="EjabberdServer"/>).</summary>
    private static readonly IPAddress DnsAddress = IPAddress.Parse("127.0.0.55");

    private readonly bool _serverAuthOnly;
    private EjabberdServer? _ejabberd;

    /// <param name="certificates">
    /// True: a test CA issues both certificates and both trust it, Parley's policy is
    /// <c>require</c>, so both directions use SASL EXTERNAL. False: self-signed certificates and
    /// policy <c>dialback</c> (XEP-0220).
    /// </param>
    /// <param name="serverAuthOnly">
    /// Both certificates carry serverAuth only, as public CAs issue them since 2026: Parley must accept
    /// ejabberd's when ejabberd is the TLS client, and ejabberd 23.01 refuses Parley's for EXTERNAL
    /// ("unsupported certificate purpose"), so Parley falls back to dialback on that stream.
    /// </param>
    private protected EjabberdFederation(bool certificates, bool serverAuthOnly)
        : base("ejabberd", EjabberdDomain, certificates)
    {
        _serverAuthOnly = serverAuthOnly;
    }

    internal EjabberdServer Ejabberd => _ejabberd ?? throw new InvalidOperationException("Not started.");

    private protected override string? PeerDiagnostics => _ejabberd?.Diagnostics;

    /// <summary>Client options for <see cref="PeerFederation.Bob"/> on ejabberd.</summary>
    public XmppClientOptions EjabberdClientOptions(TestAccount account) =>
        PeerClientOptions(account, Ejabberd.Address, Ejabberd.C2sPort) with
        {
            // ejabberd 23.01 refuses our -PLUS channel binding on TLS 1.3 ("Invalid channel binding"): a
            // client-to-ejabberd matter, not federation's, so the test client logs in without it.
            SaslMechanisms = ["SCRAM-SHA-256", "SCRAM-SHA-1"],
        };

    private protected override async Task StartAsync(TestCertificates issuer, string peerDirectory)
    {
        var ejabberdCertificate = issuer.Issue(EjabberdDomain, _serverAuthOnly);
        // A DNS-ID alone: ejabberd 23.01 crashes on a trusted certificate with an XmppAddr (see Issue).
        var parleyCertificate = issuer.Issue(ParleyDomain, _serverAuthOnly, xmppAddr: false);
        var dns = await StartDnsAsync(DnsAddress, EjabberdDomain, EjabberdAddress, port: 53);

        _ejabberd = new EjabberdServer(peerDirectory, EjabberdDomain, EjabberdAddress, ejabberdCertificate, issuer.AuthorityPath, dns);
        var parleyStart = StartParleyAsync(issuer, parleyCertificate, EjabberdDomain, new(EjabberdAddress, _ejabberd.S2sPort));
        await _ejabberd.StartAsync();
        await _ejabberd.RegisterAsync(Bob.Name, Bob.Password);
        await parleyStart;
    }

    private protected override async ValueTask DisposePeerAsync()
    {
        if (_ejabberd is not null)
        {
            await _ejabberd.DisposeAsync();
        }
    }
}
