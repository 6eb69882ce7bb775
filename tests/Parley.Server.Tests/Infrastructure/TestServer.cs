using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// A real server from <see cref="ServerHost"/> on loopback with OS-chosen ports and a temporary
/// data folder. Disposing stops it, deletes the folder and fails the test if the server logged
/// an Error (MQTTnet's TestEnvironment).
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _dataDirectory;

    private TestServer(IHost host, string dataDirectory, CollectingLoggerProvider logs, string hostDomain)
    {
        _host = host;
        _dataDirectory = dataDirectory;
        Logs = logs;
        HostDomain = hostDomain;
    }

    public const string Domain = "localhost";

    public CollectingLoggerProvider Logs { get; }

    /// <summary>The first hosted domain (Domains:0): <see cref="Domain"/> unless a test set another.</summary>
    public string HostDomain { get; }

    /// <summary>Set by tests that provoke a server error on purpose.</summary>
    public bool ErrorsExpected { get; set; }

    public IServiceProvider Services => _host.Services;

    /// <summary>The server's data folder (a fresh temporary one), for `parley user` run beside it.</summary>
    public string DataDirectory => _dataDirectory;

    public IPEndPoint C2s => Endpoint(ListenerEndpoints.C2s);

    public IPEndPoint C2sTls => Endpoint(ListenerEndpoints.C2sTls);

    public IPEndPoint S2s => Endpoint(ListenerEndpoints.S2s);

    public IPEndPoint Component => Endpoint(ListenerEndpoints.Component);

    /// <summary>The plain HTTP listener (Http:Port set by the test).</summary>
    public IPEndPoint Http => Endpoint(ListenerEndpoints.Http);

    /// <summary>The base URL of the plain HTTP listener: http://127.0.0.1:port.</summary>
    public Uri HttpUri => new($"http://{Http}");

    public static Task<TestServer> StartAsync(params (string Key, string Value)[] settings) => StartAsync(null, settings);

    /// <param name="configureServices">Service overrides, e.g. a failing component to provoke a server fault.</param>
    public static async Task<TestServer> StartAsync(Action<IServiceCollection>? configureServices, params (string Key, string Value)[] settings)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "parley-test-" + Guid.NewGuid().ToString("N"));
        var values = new Dictionary<string, string?>
        {
            ["Domains:0"] = Domain,
            ["DataDirectory"] = dataDirectory,
            ["Bind:0"] = "127.0.0.1",
            ["C2sPort"] = "5222",
            ["C2sTlsPort"] = "5223",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new CollectingLoggerProvider();
        var host = ServerHost.Build(
            configuration,
            services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                configureServices?.Invoke(services);
            },
            ephemeralPorts: true,
            consoleLogging: false);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            throw;
        }

        return new TestServer(host, dataDirectory, logs, values["Domains:0"]!);
    }

    public async Task CreateAccountAsync(string user, string password)
    {
        var result = await Services.GetRequiredService<AccountService>().CreateAsync(Jid.Create(user, HostDomain), password);
        Assert.Equal(AccountResult.Succeeded, result);
    }

    public async Task StopAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file briefly on some platforms; the temp folder is disposable.
        }

        if (!ErrorsExpected)
        {
            var errors = Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message} {e.Exception}").ToList();
            Assert.True(errors.Count == 0, "The server logged errors:\n" + string.Join("\n", errors));
        }
    }

    private IPEndPoint Endpoint(string kind) =>
        Services.GetRequiredService<ListenerEndpoints>().Endpoints.First(e => e.Kind == kind).EndPoint;
}
