using System.Net;
using System.Security.Cryptography;
using Parley.Client;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Parley and another XMPP server federating on one machine, each on its own loopback address:
/// Parley serves <see cref="ParleyDomain"/> on 127.0.0.2 and reaches the peer through a static
/// route; the peer finds Parley through SRV and A records of a dnsmasq the fixture runs
/// (RFC 6120 §3.2.1, as a remote server would). What differs per peer (its process, its
/// certificate quirks, the order of starting) is in the subclass; every process is stopped on
/// disposal, also when starting failed.
/// </summary>
public abstract class PeerFederation : IAsyncLifetime
{
    public const string ParleyDomain = "parley.example";

    private static readonly IPAddress ParleyAddress = IPAddress.Parse("127.0.0.2");

    private readonly string _peerName;
    private readonly string _directory;
    private TestCertificates? _issuer;
    private DnsServer? _dns;
    private ParleyProcess? _parley;

    /// <param name="peerName">The peer's name in folder names and failure messages.</param>
    /// <param name="peerDomain">The domain the peer serves; <see cref="Bob"/> lives there.</param>
    /// <param name="certificates">
    /// True: a test CA issues both certificates and both sides trust it, Parley's policy is
    /// <c>require</c>, so both directions can use SASL EXTERNAL. False: self-signed certificates and
    /// policy <c>dialback</c> (XEP-0220).
    /// </param>
    private protected PeerFederation(string peerName, string peerDomain, bool certificates)
    {
        _peerName = peerName;
        Certificates = certificates;
        _directory = Path.Combine(Path.GetTempPath(), $"parley-{peerName}-" + Guid.NewGuid().ToString("N"));
        Bob = new(Jid.Parse($"bob@{peerDomain}"), "bob", Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));
    }

    private protected bool Certificates { get; }

    internal ParleyProcess Parley => _parley ?? throw new InvalidOperationException("Not started.");

    internal DnsServer Dns => _dns ?? throw new InvalidOperationException("Not started.");

    /// <summary>An account on the peer, registered with its own command-line tool.</summary>
    public TestAccount Bob { get; }

    /// <summary>The peer's log and the output of dnsmasq and Parley: what a failing test prints.</summary>
    public string Diagnostics =>
        $"{PeerDiagnostics}\n--- dnsmasq ---\n{_dns?.Output}\n--- Parley ---\n{_parley?.Output}";

    private protected abstract string? PeerDiagnostics { get; }

    public async Task InitializeAsync()
    {
        try
        {
            Directory.CreateDirectory(_directory);
            _issuer = Certificates ? TestCertificates.WithAuthority(_directory) : TestCertificates.SelfSigned(_directory);
            _parley = new ParleyProcess(ParleyDomain, ParleyAddress.ToString(), Path.Combine(_directory, "parley"));
            await StartAsync(_issuer, Path.Combine(_directory, _peerName));
        }
        catch (Exception e)
        {
            var diagnostics = Diagnostics;
            await DisposeAsync();
            throw new InvalidOperationException($"Starting the {_peerName} federation fixture failed: {e.Message}\n{diagnostics}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_parley is not null)
        {
            await _parley.DisposeAsync();
        }

        await DisposePeerAsync();

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

    /// <summary>Runs a test body; when it fails, the failure carries the peer's log and the other processes' output.</summary>
    public Task RunAsync(Func<Task> body) => WithDiagnostics.RunAsync(body, () => Diagnostics);

    /// <summary>Client options for an account on Parley; with a test CA, Parley's certificate must validate against it.</summary>
    public XmppClientOptions ParleyClientOptions(TestAccount account) =>
        _issuer?.AuthorityPath is null
            ? Parley.ClientOptions(account)
            : Parley.ClientOptions(account) with { AcceptUntrustedCertificates = false, CertificateValidation = _issuer.Validation() };

    /// <summary>Starts the peer (and Parley, through <see cref="StartParleyAsync"/>) in whatever order it needs.</summary>
    private protected abstract Task StartAsync(TestCertificates issuer, string peerDirectory);

    private protected abstract ValueTask DisposePeerAsync();

    /// <summary>Client options for an account on the peer: its client port, its certificate trusted (through the test CA when there is one).</summary>
    private protected XmppClientOptions PeerClientOptions(TestAccount account, IPAddress host, int port) => new()
    {
        Jid = account.Jid,
        Password = account.Password,
        Host = host.ToString(),
        Port = port,
        AcceptUntrustedCertificates = _issuer?.AuthorityPath is null,
        CertificateValidation = _issuer?.AuthorityPath is null ? null : _issuer.Validation(),
        ConnectTimeout = TimeSpan.FromSeconds(60),
        IqTimeout = TimeSpan.FromSeconds(60),
        CloseTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The DNS server the peer resolves Parley through: Parley's SRV and A records and the peer's own A record.</summary>
    private protected async Task<DnsServer> StartDnsAsync(IPAddress dnsAddress, string peerDomain, IPAddress peerAddress, int? port = null)
    {
        _dns = await DnsServer.StartAsync(
            dnsAddress,
            new Dictionary<string, IPAddress> { [ParleyDomain] = ParleyAddress, [peerDomain] = peerAddress },
            new Dictionary<string, DnsEndPoint> { [$"_xmpp-server._tcp.{ParleyDomain}"] = new(ParleyDomain, Parley.S2sPort) },
            port);
        return _dns;
    }

    private protected Task StartParleyAsync(TestCertificates issuer, CertificateFiles certificate, string peerDomain, IPEndPoint peer) =>
        Parley.StartFederatedAsync(
            certificate,
            issuer.AuthorityPath,
            Certificates ? "require" : "dialback",
            new Dictionary<string, IPEndPoint> { [peerDomain] = peer });
}
