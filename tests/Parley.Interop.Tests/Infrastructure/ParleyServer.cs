using Parley.Client;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// The shared server of the interop test collection: one <see cref="ParleyProcess"/> for
/// <see cref="Domain"/> on <see cref="Host"/>, started once (starting it costs seconds on CI) and
/// killed at the end.
/// </summary>
public sealed class ParleyServer : IAsyncLifetime
{
    public const string Domain = "localhost";
    public const string Host = "127.0.0.1";

    private readonly ParleyProcess _process = new(Domain, Host);

    public int C2sPort => _process.C2sPort;

    public int DirectTlsPort => _process.DirectTlsPort;

    public int ComponentPort => _process.ComponentPort;

    /// <summary>The plain loopback HTTP port: ws://127.0.0.1:HttpPort/xmpp-websocket.</summary>
    public int HttpPort => _process.HttpPort;

    /// <summary>The port a browser test serves its page on; that origin may use WebSocket and BOSH.</summary>
    public int WebPagePort => _process.WebPagePort;

    public string ComponentDomain => _process.ComponentDomain;

    public string ComponentSecret => _process.ComponentSecret;

    /// <summary>What the server printed so far, for failure messages.</summary>
    public string Output => _process.Output;

    public Task InitializeAsync() => _process.StartAsync();

    /// <summary>SIGKILL (issue #5 faults): the process dies mid-work; <see cref="InitializeAsync"/> starts it again on the same data and ports.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM: the graceful stop; returns the exit code and how long the process took to exit.</summary>
    public Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync(TimeSpan bound) => _process.TerminateAsync(bound);

    public async Task DisposeAsync() => await _process.DisposeAsync();

    /// <summary>Creates a new account with a unique name and a random password.</summary>
    public Task<TestAccount> CreateAccountAsync(string prefix) => _process.CreateAccountAsync(prefix);

    /// <summary>Client options for an account on this server, accepting its self-signed certificate.</summary>
    public XmppClientOptions ClientOptions(TestAccount account, bool directTls = false) => _process.ClientOptions(account, directTls);
}
