using System.Net;
using System.Security.Cryptography;
using Parley.Client;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Parley and Debian's Prosody federating on one machine, each on its own loopback address
/// (../shared/interop/prosody-federation.md): Parley serves <see cref="ParleyDomain"/> on
/// 127.0.0.2 and reaches Prosody through a static route; Prosody serves
/// <see cref="ProsodyDomain"/> on 127.0.0.3 and finds Parley through SRV and A records of a
/// dnsmasq the fixture runs. Every process is stopped on disposal, also when starting failed.
/// </summary>
public abstract class ProsodyFederation : IAsyncLifetime
{
    public const string ParleyDomain = "parley.example";
    public const string ProsodyDomain = "prosody.example";

    private static readonly IPAddress ParleyAddress = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress ProsodyAddress = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress DnsAddress = IPAddress.Parse("127.0.0.53");

    private readonly bool _certificates;
    private readonly bool _startParley;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-prosody-" + Guid.NewGuid().ToString("N"));
    private TestCertificates? _issuer;
    private DnsServer? _dns;
    private ProsodyServer? _prosody;
    private ParleyProcess? _parley;

    /// <param name="certificates">
    /// True: a test CA issues both certificates, Prosody requires valid ones (s2s_secure_auth) and
    /// Parley's policy is <c>require</c>, so both directions use SASL EXTERNAL. False: self-signed
    /// certificates, s2s_secure_auth off and policy <c>dialback</c> (XEP-0220).
    /// </param>
    /// <param name="startParley">False to run Prosody and DNS only (the fixture's own check).</param>
    private protected ProsodyFederation(bool certificates, bool startParley)
    {
        _certificates = certificates;
        _startParley = startParley;
    }

    internal ProsodyServer Prosody => _prosody ?? throw new InvalidOperationException("Not started.");

    internal ParleyProcess Parley => _parley ?? throw new InvalidOperationException("Not started.");

    internal DnsServer Dns => _dns ?? throw new InvalidOperationException("Not started.");

    /// <summary>An account on Prosody, registered with prosodyctl.</summary>
    public TestAccount Bob { get; } = new(Jid.Parse($"bob@{ProsodyDomain}"), "bob", Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));

    /// <summary>Prosody's log and the output of dnsmasq and Parley: what a failing test prints.</summary>
    public string Diagnostics =>
        $"{_prosody?.Diagnostics}\n--- dnsmasq ---\n{_dns?.Output}\n--- Parley ---\n{_parley?.Output}";

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
            throw new InvalidOperationException($"Starting the federation fixture failed: {e.Message}\n{diagnostics}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_parley is not null)
        {
            await _parley.DisposeAsync();
        }

        if (_prosody is not null)
        {
            await _prosody.DisposeAsync();
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

    /// <summary>Runs a test body; when it fails, the failure carries Prosody's debug log and the other processes' output.</summary>
    public Task RunAsync(Func<Task> body) => WithDiagnostics.RunAsync(body, () => Diagnostics);

    /// <summary>Client options for <see cref="Bob"/>: Prosody's client port, its certificate trusted (through the test CA when there is one).</summary>
    public XmppClientOptions ProsodyClientOptions(TestAccount account) => new()
    {
        Jid = account.Jid,
        Password = account.Password,
        Host = Prosody.Address.ToString(),
        Port = Prosody.C2sPort,
        AcceptUntrustedCertificates = _issuer?.AuthorityPath is null,
        CertificateValidation = _issuer?.AuthorityPath is null ? null : _issuer.Validation(),
        ConnectTimeout = TimeSpan.FromSeconds(60),
        IqTimeout = TimeSpan.FromSeconds(60),
        CloseTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Client options for an account on Parley; with a test CA, Parley's certificate must validate against it.</summary>
    public XmppClientOptions ParleyClientOptions(TestAccount account) =>
        _issuer?.AuthorityPath is null
            ? Parley.ClientOptions(account)
            : Parley.ClientOptions(account) with { AcceptUntrustedCertificates = false, CertificateValidation = _issuer.Validation() };

    private async Task StartAsync()
    {
        Directory.CreateDirectory(_directory);
        _issuer = _certificates ? TestCertificates.WithAuthority(_directory) : TestCertificates.SelfSigned(_directory);
        var prosodyCertificate = _issuer.Issue(ProsodyDomain);
        var parleyCertificate = _issuer.Issue(ParleyDomain);
        _parley = new ParleyProcess(ParleyDomain, ParleyAddress.ToString(), Path.Combine(_directory, "parley"));

        // Prosody finds Parley as a remote server would: RFC 6120 §3.2.1 SRV, then the target's A record.
        _dns = await DnsServer.StartAsync(
            DnsAddress,
            new Dictionary<string, IPAddress> { [ParleyDomain] = ParleyAddress, [ProsodyDomain] = ProsodyAddress },
            new Dictionary<string, DnsEndPoint> { [$"_xmpp-server._tcp.{ParleyDomain}"] = new(ParleyDomain, _parley.S2sPort) });

        _prosody = new ProsodyServer(
            Path.Combine(_directory, "prosody"), ProsodyDomain, ProsodyAddress, prosodyCertificate, _issuer.AuthorityPath, secureAuth: _certificates, _dns);
        await _prosody.RegisterAsync(Bob.Name, Bob.Password);
        await _prosody.StartAsync();

        if (_startParley)
        {
            await _parley.StartFederatedAsync(
                parleyCertificate,
                _issuer.AuthorityPath,
                _certificates ? "require" : "dialback",
                new Dictionary<string, IPEndPoint> { [ProsodyDomain] = new(ProsodyAddress, _prosody.S2sPort) });
        }
    }
}
