using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Parley.Client;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// The real server as a separate process: <c>parley serve</c> for one domain on one loopback
/// address, free client ports, a fresh data folder and whatever else the test passes on the
/// command line; killed with its process tree on disposal. Accounts are created with
/// <c>parley user add</c>.
/// </summary>
internal sealed class ParleyProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string _data;
    private readonly bool _ownsData;
    private ChildProcess? _server;
    private int _users;

    /// <param name="data">The data folder, or null for a fresh temporary one deleted on disposal.</param>
    public ParleyProcess(string domain, string host, string? data = null)
    {
        Domain = domain;
        Host = host;
        _ownsData = data is null;
        _data = data ?? Path.Combine(Path.GetTempPath(), "parley-interop-" + Guid.NewGuid().ToString("N"));
        var address = IPAddress.Parse(host);
        C2sPort = FreePort.Next(address);
        DirectTlsPort = FreePort.Next(address, C2sPort);
        S2sPort = FreePort.Next(address, C2sPort, DirectTlsPort);
        ComponentPort = FreePort.Next(address, C2sPort, DirectTlsPort, S2sPort);
        HttpPort = FreePort.Next(address, C2sPort, DirectTlsPort, S2sPort, ComponentPort);
        WebPagePort = FreePort.Next(address, C2sPort, DirectTlsPort, S2sPort, ComponentPort, HttpPort);
    }

    public string Domain { get; }

    public string Host { get; }

    public int C2sPort { get; }

    public int DirectTlsPort { get; }

    /// <summary>The server-to-server port, listened on only by <see cref="StartFederatedAsync"/>.</summary>
    public int S2sPort { get; }

    /// <summary>The external component port (XEP-0114), listened on by <see cref="StartAsync()"/>.</summary>
    public int ComponentPort { get; }

    /// <summary>The plain loopback HTTP port (WebSocket, BOSH, host-meta, uploads), listened on by <see cref="StartAsync()"/>.</summary>
    public int HttpPort { get; }

    /// <summary>
    /// A free port for a browser test's own static page: its origin (http://Host:WebPagePort) is in
    /// Http:AllowedOrigins, so the page may use WebSocket and BOSH cross-origin as a deployed web client does.
    /// </summary>
    public int WebPagePort { get; }

    /// <summary>The one external component <see cref="StartAsync()"/> declares.</summary>
    public string ComponentDomain => "component." + Domain;

    /// <summary>Its shared secret, fresh for each process.</summary>
    public string ComponentSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>What the server printed so far, for failure messages.</summary>
    public string Output => _server?.Output ?? "";

    /// <summary>
    /// Runs <c>parley serve</c> for clients, one external component and the HTTP server (no s2s
    /// listener, so parallel servers do not contend for 5269) and returns once it printed its ready line.
    /// </summary>
    public Task StartAsync() => StartAsync(
        [
            "--s2s-port", "0",
            "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture),
            "--component-port", ComponentPort.ToString(CultureInfo.InvariantCulture),
            "--component", $"{ComponentDomain}={ComponentSecret}",
        ]);

    /// <summary>
    /// Starts with federation on <see cref="S2sPort"/> through the real command line: the
    /// certificate for the domain (and the CA trusted for peers, if any) in a --config JSON file,
    /// a static route per peer domain (--s2s-route, no DNS) and the certificate policy.
    /// </summary>
    public Task StartFederatedAsync(CertificateFiles certificate, string? authority, string policy, IReadOnlyDictionary<string, IPEndPoint> routes)
    {
        Directory.CreateDirectory(_data);
        // Tls:* serves client connections, Tls:Domains:<domain>:* the domain's s2s streams (SNI).
        var settings = new JsonObject
        {
            ["Tls"] = new JsonObject
            {
                ["CertificatePath"] = certificate.CertificatePath,
                ["KeyPath"] = certificate.KeyPath,
                ["Domains"] = new JsonObject
                {
                    [Domain] = new JsonObject { ["CertificatePath"] = certificate.CertificatePath, ["KeyPath"] = certificate.KeyPath },
                },
            },
        };
        if (authority is not null)
        {
            settings["S2s"] = new JsonObject { ["CaCertificatesPath"] = authority };
        }

        var config = Path.Combine(_data, "federation.json");
        File.WriteAllText(config, settings.ToJsonString());
        List<string> arguments = ["--config", config, "--s2s-port", S2sPort.ToString(CultureInfo.InvariantCulture), "--s2s-cert-policy", policy];
        foreach (var (domain, endPoint) in routes)
        {
            arguments.AddRange(["--s2s-route", $"{domain}={endPoint}"]);
        }

        return StartAsync(arguments);
    }

    /// <summary>Completes with the first output line that matches (past or future).</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout) =>
        (_server ?? throw new InvalidOperationException("The server was not started.")).WaitForLineAsync(match, timeout);

    /// <summary>SIGKILL: the process dies mid-work; starting again reuses the same data and ports.</summary>
    public async Task KillAsync()
    {
        var server = _server ?? throw new InvalidOperationException("The server was not started.");
        await server.KillAsync();
        await server.DisposeAsync();
        _server = null;
    }

    /// <summary>SIGTERM: the graceful stop; returns the exit code and how long the process took to exit.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync(TimeSpan bound)
    {
        var server = _server ?? throw new InvalidOperationException("The server was not started.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await server.TerminateAsync();
        var exitCode = await server.WaitForExitAsync(bound);
        var elapsed = clock.Elapsed;
        await server.DisposeAsync();
        _server = null;
        return (exitCode, elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (!_ownsData)
        {
            return;
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the dying process: the temp folder is cleaned by the OS later.
        }
    }

    /// <summary>Creates a new account with a unique name and a random password.</summary>
    public async Task<TestAccount> CreateAccountAsync(string prefix)
    {
        var name = $"{prefix}{Interlocked.Increment(ref _users)}";
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var jid = $"{name}@{Domain}";
        await using var command = StartCli(["user", "add", jid, "--password", password, "--data", _data, "--domain", Domain]);
        var exit = await command.WaitForExitAsync(CommandTimeout);
        Assert.True(exit == 0, $"parley user add {jid} exited with {exit}:\n{command.Output}");
        return new TestAccount(Jid.Parse(jid), name, password);
    }

    /// <summary>Client options for an account on this server, accepting its certificate whoever issued it.</summary>
    public XmppClientOptions ClientOptions(TestAccount account, bool directTls = false) => new()
    {
        Jid = account.Jid,
        Password = account.Password,
        Host = Host,
        Port = directTls ? DirectTlsPort : C2sPort,
        DirectTls = directTls,
        AcceptUntrustedCertificates = true,
        ConnectTimeout = TimeSpan.FromSeconds(60),
        IqTimeout = TimeSpan.FromSeconds(60),
        CloseTimeout = TimeSpan.FromSeconds(30),
    };

    private async Task StartAsync(IEnumerable<string> arguments)
    {
        Directory.CreateDirectory(_data);
        _server = StartCli(
            [
                "serve", "--data", _data, "--domain", Domain,
                "--c2s-port", C2sPort.ToString(CultureInfo.InvariantCulture),
                "--c2s-tls-port", DirectTlsPort.ToString(CultureInfo.InvariantCulture),
                "--bind", Host, .. arguments,
            ],
            new Dictionary<string, string> { ["PARLEY_Http__AllowedOrigins__0"] = $"http://{Host}:{WebPagePort.ToString(CultureInfo.InvariantCulture)}" });
        await _server.WaitForLineAsync(line => line.Contains("Parley is ready", StringComparison.Ordinal), StartTimeout);
    }

    private static ChildProcess StartCli(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return ChildProcess.Start("dotnet", [CliPath, .. arguments], variables);
    }

    /// <summary>parley.dll is copied next to this assembly by the project reference to Parley.Cli.</summary>
    private static string CliPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "parley.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("parley.dll is not next to the test assembly; build Parley.slnx.", path);
        }
    }
}
