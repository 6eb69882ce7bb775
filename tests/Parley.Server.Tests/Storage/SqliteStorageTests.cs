using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;

namespace Parley.Server.Tests.Storage;

/// <summary>What only the SQLite provider promises: WAL, and a private folder and file.</summary>
public sealed class SqliteStorageTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_database_runs_in_wal_mode()
    {
        await using var services = await _data.CreateServicesAsync();
        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_folder_and_database_are_private_to_the_owner()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }

        await using var services = await _data.CreateServicesAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_data.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_data.DatabasePath));
    }
}
