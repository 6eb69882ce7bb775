using System.Net;
using System.Security.Cryptography;
using Parley.Client;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Parley and Debian's ejabberd 23.01 federating on one machine (../shared/interop/ejabberd-federation.md):
/// Parley serves <see cref="ParleyDomain"/> on 127.0.0.2 and reaches ejabberd through a static
/// route; ejabberd serves <see cref="EjabberdDomain"/> on 127.0.0.4 and finds Parley through SRV
/// and A records of a dnsmasq the fixture runs. Every process is stopped on disposal.
/// </summary>
public abstract class EjabberdFederation : IAsyncLifetime
{
    public const string ParleyDomain = "parley.example";
    public const string EjabberdDomain = "ejabberd.example";

    private static readonly IPAddress ParleyAddress = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress EjabberdAddress = IPAddress.Parse("127.0.0.4");
    /// <summary>An address of its own: the DNS server listens on port 53 there (see <see cref="EjabberdServer"/>).</summary>
    private static readonly IPAddress DnsAddress = IPAddress.Parse("127.0.0.55");

    private readonly bool _certificates;
    private readonly bool _serverAuthOnly;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-ejabberd-" + Guid.NewGuid().ToString("N"));
    private TestCertificates? _issuer;
    private DnsServer? _dns;
    private EjabberdServer? _ejabberd;
    private ParleyProcess? _parley;

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
    {
        _certificates = certificates;
        _serverAuthOnly = serverAuthOnly;
    }

    internal EjabberdServer Ejabberd => _ejabberd ?? throw new InvalidOperationException("Not started.");

    internal ParleyProcess Parley => _parley ?? throw new InvalidOperationException("Not started.");

    /// <summary>An account on ejabberd, registered with ejabberdctl.</summary>
    public TestAccount Bob { get; } = new(Jid.Parse($"bob@{EjabberdDomain}"), "bob", Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));

    public string Diagnostics =>
        $"{_ejabberd?.Diagnostics}\n--- dnsmasq ---\n{_dns?.Output}\n--- Parley ---\n{_parley?.Output}";

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch (Exception e)
        {
            var diagnostics = Diagnostics;
            await DisposeAsync();
            throw new InvalidOperationException($"Starting the ejabberd federation fixture failed: {e.Message}\n{diagnostics}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_parley is not null)
        {
            await _parley.DisposeAsync();
        }

        if (_ejabberd is not null)
        {
            await _ejabberd.DisposeAsync();
        }

        if (_dns is not null)
        {
            await _dns.DisposeAsync();
        }

        _issuer?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temp folder is cleaned by the OS later.
        }
    }

    public Task RunAsync(Func<Task> body) => WithDiagnostics.RunAsync(body, () => Diagnostics);

    /// <summary>Client options for <see cref="Bob"/>: ejabberd's client port, its certificate trusted (through the test CA when there is one).</summary>
    public XmppClientOptions EjabberdClientOptions(TestAccount account) => new()
    {
        Jid = account.Jid,
        Password = account.Password,
        Host = Ejabberd.Address.ToString(),
        Port = Ejabberd.C2sPort,
        AcceptUntrustedCertificates = _issuer?.AuthorityPath is null,
        CertificateValidation = _issuer?.AuthorityPath is null ? null : _issuer.Validation(),
        ConnectTimeout = TimeSpan.FromSeconds(60),
        IqTimeout = TimeSpan.FromSeconds(60),
        CloseTimeout = TimeSpan.FromSeconds(30),
        // ejabberd 23.01 refuses our -PLUS channel binding on TLS 1.3 ("Invalid channel binding"): a
        // client-to-ejabberd matter, not federation's, so the test client logs in without it.
        SaslMechanisms = ["SCRAM-SHA-256", "SCRAM-SHA-1"],
    };

    public XmppClientOptions ParleyClientOptions(TestAccount account) =>
        _issuer?.AuthorityPath is null
            ? Parley.ClientOptions(account)
            : Parley.ClientOptions(account) with { AcceptUntrustedCertificates = false, CertificateValidation = _issuer.Validation() };

    private async Task StartAsync()
    {
        Directory.CreateDirectory(_directory);
        _issuer = _certificates ? TestCertificates.WithAuthority(_directory) : TestCertificates.SelfSigned(_directory);
        var ejabberdCertificate = _issuer.Issue(EjabberdDomain, _serverAuthOnly);
        // A DNS-ID alone: ejabberd 23.01 crashes on a trusted certificate with an XmppAddr (see Issue).
        var parleyCertificate = _issuer.Issue(ParleyDomain, _serverAuthOnly, xmppAddr: false);
        _parley = new ParleyProcess(ParleyDomain, ParleyAddress.ToString(), Path.Combine(_directory, "parley"));

        _dns = await DnsServer.StartAsync(
            DnsAddress,
            new Dictionary<string, IPAddress> { [ParleyDomain] = ParleyAddress, [EjabberdDomain] = EjabberdAddress },
            new Dictionary<string, DnsEndPoint> { [$"_xmpp-server._tcp.{ParleyDomain}"] = new(ParleyDomain, _parley.S2sPort) },
            port: 53);

        _ejabberd = new EjabberdServer(Path.Combine(_directory, "ejabberd"), EjabberdDomain, EjabberdAddress, ejabberdCertificate, _issuer.AuthorityPath, _dns);
        var parleyStart = _parley.StartFederatedAsync(
            parleyCertificate,
            _issuer.AuthorityPath,
            _certificates ? "require" : "dialback",
            new Dictionary<string, IPEndPoint> { [EjabberdDomain] = new(EjabberdAddress, _ejabberd.S2sPort) });
        await _ejabberd.StartAsync();
        await _ejabberd.RegisterAsync(Bob.Name, Bob.Password);
        await parleyStart;
    }
}
