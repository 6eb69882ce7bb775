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

    /// <summary>What the server printed so far, for failure messages.</summary>
    public string Output => _process.Output;

    public Task InitializeAsync() => _process.StartAsync();

    public async Task DisposeAsync() => await _process.DisposeAsync();

    /// <summary>Creates a new account with a unique name and a random password.</summary>
    public Task<TestAccount> CreateAccountAsync(string prefix) => _process.CreateAccountAsync(prefix);

    /// <summary>Client options for an account on this server, accepting its self-signed certificate.</summary>
    public XmppClientOptions ClientOptions(TestAccount account, bool directTls = false) => _process.ClientOptions(account, directTls);
}
