using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Tests.Storage;

/// <summary>A data folder of its own for one test (not yet created, as on a first start), deleted afterwards.</summary>
public sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "parley-tests-" + Guid.NewGuid().ToString("N"), "data");
    }

    public string Path { get; }

    public string DatabasePath => System.IO.Path.Combine(Path, "parley.db");

    /// <summary>A service provider with the core services over this folder, the schema migrated.</summary>
    internal async Task<ServiceProvider> CreateServicesAsync(params (string Key, string Value)[] settings)
    {
        var provider = CreateServices(settings);
        await provider.GetRequiredService<SqlDatabase>().MigrateAsync(CancellationToken.None);
        return provider;
    }

    internal ServiceProvider CreateServices(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["DataDirectory"] = Path };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddParleyCore(configuration).BuildServiceProvider();
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before deleting.
        SqliteConnection.ClearAllPools();
        var root = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
