using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Debian's ejabberd 23.01 as a process the test owns (../shared/interop/ejabberd-federation.md):
/// run as root from a copy of <c>ejabberdctl</c> whose INSTALLUSER is emptied, with its own
/// configuration, spool, logs, node name, Erlang cookie and epmd port in the test's folder, one
/// host, client and server ports on its own loopback address. Names are resolved through the test's
/// <see cref="DnsServer"/> only: the node runs in its own mount namespace where a resolv.conf naming
/// that server is mounted over /etc/resolv.conf.
/// </summary>
internal sealed class EjabberdServer : IAsyncDisposable
{
    private const string PackagedControl = "/usr/sbin/ejabberdctl";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(10);

    private readonly string _directory;
    private readonly string _control;
    private readonly Dictionary<string, string> _environment;
    private readonly string _resolvConf;
    private ChildProcess? _process;

    /// <param name="authority">The CA ejabberd trusts for peers (SASL EXTERNAL both ways), or null (dialback).</param>
    public EjabberdServer(string directory, string domain, IPAddress address, CertificateFiles certificate, string? authority, DnsServer dns)
    {
        _directory = directory;
        Domain = domain;
        Address = address;
        C2sPort = FreePort.Next(address);
        S2sPort = FreePort.Next(address, C2sPort);
        var etc = Path.Combine(directory, "etc");
        Directory.CreateDirectory(etc);
        Directory.CreateDirectory(Path.Combine(directory, "spool"));
        Directory.CreateDirectory(Path.Combine(directory, "logs"));

        // The packaged script drops to the ejabberd user (1,024 open files); emptied, it runs as the caller.
        _control = Path.Combine(etc, "ejabberdctl");
        File.WriteAllText(_control, File.ReadAllText(PackagedControl).Replace("\nINSTALLUSER=ejabberd\n", "\nINSTALLUSER=\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_control, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.WriteAllText(Path.Combine(etc, "ejabberd.pem"), File.ReadAllText(certificate.CertificatePath) + File.ReadAllText(certificate.KeyPath));
        var node = "parleytest" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var cookie = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(etc, "ejabberdctl.cfg"), $$"""
            ERLANG_NODE={{node}}@127.0.0.1
            ERL_OPTIONS="-setcookie {{cookie}} -kernel inet_dist_use_interface {127,0,0,1}"
            """);
        // ejabberd 23.01 finds a peer's SRV record with Erlang's resolver, which re-reads resolv.conf before
        // each query and asks its nameservers rather than an inetrc's, and then the target's address with
        // libc's getaddrinfo: both read /etc/resolv.conf and neither can name a port. So the node runs in
        // a mount namespace of its own where this file, naming the test's dnsmasq (port 53), is mounted
        // over /etc/resolv.conf; the machine's file is never touched.
        Assert.Equal(53, dns.Port);
        _resolvConf = Path.Combine(etc, "resolv.conf");
        File.WriteAllText(_resolvConf, $"nameserver {dns.Address}\n");
        File.WriteAllText(Path.Combine(etc, "inetrc"), "{lookup,[dns]}.\n");
        File.WriteAllText(Path.Combine(etc, "ejabberd.yml"), Configuration(etc, authority));
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = directory,
            ["ERL_EPMD_PORT"] = FreePort.Next(IPAddress.Loopback).ToString(CultureInfo.InvariantCulture),
        };
    }

    public string Domain { get; }

    public IPAddress Address { get; }

    public int C2sPort { get; }

    public int S2sPort { get; }

    private string LogPath => Path.Combine(_directory, "logs", "ejabberd.log");

    /// <summary>ejabberd's debug log (every s2s element) and what it printed, for failure messages.</summary>
    public string Diagnostics
    {
        get
        {
            var log = File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log file)";
            return $"--- ejabberd output ---\n{_process?.Output}\n--- ejabberd log ({LogPath}) ---\n{log}";
        }
    }

    /// <summary>Starts the node in the foreground and returns once ejabberd reports itself started.</summary>
    public async Task StartAsync()
    {
        _process = ChildProcess.Start(
            "/usr/bin/unshare",
            ["--mount", "/bin/sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", _resolvConf, _control, .. Options(), "foreground"],
            _environment,
            _directory);
        await _process.WaitForLineAsync(line => line.Contains("is started in the node", StringComparison.Ordinal), StartTimeout);
    }

    /// <summary>Creates an account through the running node.</summary>
    public async Task RegisterAsync(string user, string password)
    {
        await using var command = ChildProcess.Start(_control, [.. Options(), "register", user, Domain, password], _environment, _directory);
        var exit = await command.WaitForExitAsync(CommandTimeout);
        Assert.True(exit == 0, $"ejabberdctl register {user} {Domain} exited with {exit}:\n{command.Output}");
    }

    /// <summary>
    /// How ejabberd says each of its streams with <paramref name="peer"/> authenticated: the stream
    /// <paramref name="peer"/> opened to ejabberd (inbound) and the one ejabberd opened to it (outbound).
    /// Read from the node's console, awaited: Erlang's logger writes its file behind the events, so a
    /// test that has just seen the chat succeed can find the file without the line yet.
    /// </summary>
    public async Task AssertAuthenticatedAsync(string peer, S2sAuthentication inbound, S2sAuthentication outbound)
    {
        await ExpectLineAsync($"Accepted inbound s2s {Mechanism(inbound)} authentication {peer} -> {Domain}", $"no inbound {Mechanism(inbound)} authentication of {peer}");
        await ExpectLineAsync($"Accepted outbound s2s {Mechanism(outbound)} authentication {Domain} -> {peer}", $"no outbound {Mechanism(outbound)} authentication to {peer}");
    }

    /// <summary>Awaits a line containing <paramref name="text"/> on the node's console; fails the test with <paramref name="missing"/> otherwise.</summary>
    public async Task ExpectLineAsync(string text, string missing)
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        try
        {
            await process.WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), LogTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"ejabberd says {missing}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        // The node started an epmd daemon on the test's own port: stop it too.
        await using var epmd = ChildProcess.Start("/usr/bin/epmd", ["-kill"], _environment, _directory);
        await epmd.WaitForExitAsync(CommandTimeout);
    }

    /// <summary>The mechanism as ejabberd's log names it.</summary>
    private static string Mechanism(S2sAuthentication authentication) =>
        authentication == S2sAuthentication.SaslExternal ? "EXTERNAL" : "dialback";

    private string[] Options() =>
        ["--config-dir", Path.Combine(_directory, "etc"), "--spool", Path.Combine(_directory, "spool"), "--logs", Path.Combine(_directory, "logs")];

    private string Configuration(string etc, string? authority)
    {
        var address = Address.ToString();
        var trust = authority is null ? "" : $"ca_file: \"{authority}\"";
        return $$"""
            # Written by Parley's interop tests; everything ejabberd keeps is in this folder.
            hosts:
              - "{{Domain}}"
            loglevel: debug
            certfiles:
              - "{{Path.Combine(etc, "ejabberd.pem")}}"
            {{trust}}
            listen:
              -
                port: {{C2sPort.ToString(CultureInfo.InvariantCulture)}}
                ip: "{{address}}"
                module: ejabberd_c2s
                starttls_required: true
              -
                port: {{S2sPort.ToString(CultureInfo.InvariantCulture)}}
                ip: "{{address}}"
                module: ejabberd_s2s_in
            s2s_use_starttls: required
            s2s_access: s2s
            outgoing_s2s_families: [ipv4]
            acl:
              local:
                user_regexp: ""
            access_rules:
              s2s:
                allow: all
              local:
                allow: local
            auth_method: internal
            modules:
              mod_roster: {}
              mod_s2s_dialback: {}
              mod_disco: {}
              mod_ping: {}
            """;
    }
}
