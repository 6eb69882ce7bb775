using System.Globalization;
using System.Net;
using System.Text;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Debian's Prosody as a process the test owns: its own configuration, data, pid and log files in
/// the test's folder, one VirtualHost, client and server ports chosen free on its own loopback
/// address, DNS through the test's <see cref="DnsServer"/>. Run in the foreground as root
/// (<c>run_as_root</c>), info lines on standard output, everything down to debug in
/// <see cref="LogPath"/>.
/// </summary>
internal sealed class ProsodyServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/prosody";
    private const string Control = "/usr/bin/prosodyctl";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _configPath;
    private ChildProcess? _process;

    /// <param name="directory">A folder of the test's own; Prosody keeps everything in it.</param>
    /// <param name="authority">The CA that Prosody trusts for peers, or null (self-signed peers, dialback only).</param>
    /// <param name="secureAuth">s2s_secure_auth: peers must present a certificate valid for their domain.</param>
    public ProsodyServer(string directory, string domain, IPAddress address, CertificateFiles certificate, string? authority, bool secureAuth, DnsServer dns)
    {
        // Prosody indexes <config folder>/certs at start and logs an error when it is missing.
        Directory.CreateDirectory(Path.Combine(directory, "certs"));
        Domain = domain;
        Address = address;
        C2sPort = FreePort.Next(address);
        S2sPort = FreePort.Next(address, C2sPort);
        LogPath = Path.Combine(directory, "prosody.log");
        _configPath = Path.Combine(directory, "prosody.cfg.lua");
        File.WriteAllText(_configPath, Configuration(directory, certificate, authority, secureAuth, dns));
    }

    public string Domain { get; }

    public IPAddress Address { get; }

    public int C2sPort { get; }

    public int S2sPort { get; }

    /// <summary>Prosody's debug log (every stanza, TLS and DNS step); the tests print it when they fail.</summary>
    public string LogPath { get; }

    /// <summary>The debug log and what Prosody printed, for failure messages.</summary>
    public string Diagnostics
    {
        get
        {
            var log = File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log file)";
            return $"--- Prosody output ---\n{_process?.Output}\n--- Prosody debug log ({LogPath}) ---\n{log}";
        }
    }

    /// <summary>
    /// Checks in Prosody's debug log that both its streams with <paramref name="peer"/> (the one it
    /// accepted and the one it opened) were authenticated the expected way, and never the other.
    /// The lines are Prosody 0.12's (mod_saslauth, mod_dialback).
    /// </summary>
    public void AssertAuthenticated(string peer, S2sAuthentication expected)
    {
        var log = File.ReadAllText(LogPath);
        var inboundExternal = log.Contains($"Accepting SASL EXTERNAL identity from {peer}", StringComparison.Ordinal);
        var outboundExternal = log.Contains($"SASL EXTERNAL with {peer} succeeded", StringComparison.Ordinal);
        var inboundDialback = log.Contains($"asking {peer} if key", StringComparison.Ordinal);
        var outboundDialback = log.Contains("sent dialback key on outgoing s2s stream", StringComparison.Ordinal);
        var (external, dialback) = expected == S2sAuthentication.SaslExternal ? (true, false) : (false, true);
        Assert.True(
            inboundExternal == external && outboundExternal == external && inboundDialback == dialback && outboundDialback == dialback,
            $"expected {expected} both ways with {peer}; Prosody's log has inbound EXTERNAL {inboundExternal}, outbound EXTERNAL {outboundExternal}, "
            + $"inbound dialback {inboundDialback}, outbound dialback {outboundDialback}");
    }

    /// <summary>Creates an account with prosodyctl (run before or while the server runs: both use the same data folder).</summary>
    public async Task RegisterAsync(string user, string password)
    {
        await using var command = ChildProcess.Start(Control, ["--config", _configPath, "register", user, Domain, password]);
        var exit = await command.WaitForExitAsync(CommandTimeout);
        Assert.True(exit == 0, $"prosodyctl register {user} {Domain} exited with {exit}:\n{command.Output}");
    }

    /// <summary>Starts Prosody and returns once both its client and server listeners are bound.</summary>
    public async Task StartAsync()
    {
        _process = ChildProcess.Start(Executable, ["--config", _configPath, "-F"]);
        // portmanager logs one "Activated service" line (level info) per bound listener.
        await _process.WaitForLineAsync(line => line.Contains("Activated service 'c2s'", StringComparison.Ordinal), StartTimeout);
        await _process.WaitForLineAsync(line => line.Contains("Activated service 's2s'", StringComparison.Ordinal), StartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private string Configuration(string directory, CertificateFiles certificate, string? authority, bool secureAuth, DnsServer dns)
    {
        var ssl = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{{ certificate = {Lua(certificate.CertificatePath)}; key = {Lua(certificate.KeyPath)}; ");
        if (authority is not null)
        {
            ssl.Append(CultureInfo.InvariantCulture, $"cafile = {Lua(authority)}; ");
        }

        ssl.Append('}');
        var c2s = C2sPort.ToString(CultureInfo.InvariantCulture);
        var s2s = S2sPort.ToString(CultureInfo.InvariantCulture);
        return $$"""
            -- Written by Parley's interop tests; everything Prosody keeps is in this folder.
            run_as_root = true
            pidfile = {{Lua(Path.Combine(directory, "prosody.pid"))}}
            data_path = {{Lua(directory)}}
            log = { debug = {{Lua(LogPath)}}; info = "*console" }

            interfaces = { {{Lua(Address.ToString())}} }
            local_interfaces = { {{Lua(Address.ToString())}} }
            c2s_ports = { {{c2s}} }
            s2s_ports = { {{s2s}} }
            c2s_direct_tls_ports = { }
            s2s_direct_tls_ports = { }
            legacy_ssl_ports = { }
            use_ipv6 = false

            -- libunbound asks the test's dnsmasq only; it would ignore /etc/hosts anyway.
            unbound = { forward = { {{Lua(dns.Forward)}} }; resolvconf = false; hoststxt = false }

            modules_enabled = { "roster"; "saslauth"; "tls"; "dialback"; "disco"; "ping" }
            authentication = "internal_hashed"
            storage = "internal"
            c2s_require_encryption = true
            s2s_require_encryption = true
            s2s_secure_auth = {{(secureAuth ? "true" : "false")}}
            ssl = {{ssl}}

            VirtualHost {{Lua(Domain)}}
                ssl = {{ssl}}
            """;
    }

    /// <summary>A Lua string literal (long brackets need no escaping of paths).</summary>
    private static string Lua(string value) => $"[[{value}]]";
}
