using System.Globalization;
using System.Security.Cryptography;
using Parley.Client;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// The real server as a separate process: <c>parley serve</c> on free loopback ports with a
/// fresh data folder, started once for the interop test collection and killed (with its
/// process tree) at the end. Accounts are created with <c>parley user add</c>.
/// </summary>
public sealed class ParleyServer : IAsyncLifetime
{
    public const string Domain = "localhost";
    public const string Host = "127.0.0.1";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string _data = Path.Combine(Path.GetTempPath(), "parley-interop-" + Guid.NewGuid().ToString("N"));
    private ChildProcess? _server;
    private int _users;

    public ParleyServer()
    {
        C2sPort = FreePort.Next();
        DirectTlsPort = FreePort.Next(except: C2sPort);
    }

    public int C2sPort { get; }

    public int DirectTlsPort { get; }

    /// <summary>What the server printed so far, for failure messages.</summary>
    public string Output => _server?.Output ?? "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _server = StartCli(
            "serve", "--data", _data, "--domain", Domain,
            "--c2s-port", C2sPort.ToString(CultureInfo.InvariantCulture),
            "--c2s-tls-port", DirectTlsPort.ToString(CultureInfo.InvariantCulture),
            "--bind", Host);
        await _server.WaitForLineAsync(line => line.Contains("Parley is ready", StringComparison.Ordinal), StartTimeout);
    }

    /// <summary>SIGKILL (issue #5 faults): the process dies mid-work; <see cref="InitializeAsync"/> starts it again on the same data and ports.</summary>
    public async Task KillAsync()
    {
        await _server!.KillAsync();
        await _server.DisposeAsync();
        _server = null;
    }

    /// <summary>SIGTERM: the graceful stop; returns the exit code and how long the process took to exit.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync(TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _server!.TerminateAsync();
        var exitCode = await _server.WaitForExitAsync(bound);
        var elapsed = clock.Elapsed;
        await _server.DisposeAsync();
        _server = null;
        return (exitCode, elapsed);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
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
        await using var command = StartCli("user", "add", jid, "--password", password, "--data", _data);
        var exit = await command.WaitForExitAsync(CommandTimeout);
        Assert.True(exit == 0, $"parley user add {jid} exited with {exit}:\n{command.Output}");
        return new TestAccount(Jid.Parse(jid), name, password);
    }

    /// <summary>Client options for an account on this server, accepting its self-signed certificate.</summary>
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

    private static ChildProcess StartCli(params string[] arguments) =>
        ChildProcess.Start("dotnet", [CliPath, .. arguments], new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        });

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
