using Microsoft.Data.Sqlite;
using Npgsql;

namespace Parley.Server.Storage;

/// <summary>The one switch on the provider name (Storage:Provider, and each side of `parley storage copy`).</summary>
internal static class SqlProviderFactory
{
    public static readonly IReadOnlyList<string> Names = [SqliteProvider.ProviderName, PostgresProvider.ProviderName];

    /// <param name="name">"sqlite" or "postgresql", any case.</param>
    /// <param name="connectionString">The engine's connection string; empty for SQLite means &lt;dataDirectory&gt;/parley.db.</param>
    /// <exception cref="ArgumentException">An unknown provider, or a connection string that does not parse.</exception>
    public static SqlProvider Create(string name, string connectionString, string dataDirectory, int busyTimeoutSeconds = SqliteProvider.DefaultBusyTimeoutSeconds)
    {
        if (string.Equals(name, SqliteProvider.ProviderName, StringComparison.OrdinalIgnoreCase))
        {
            return new SqliteProvider(connectionString.Length != 0 ? connectionString : SqliteProvider.ForFile(Path.Combine(dataDirectory, "parley.db")), busyTimeoutSeconds);
        }

        if (string.Equals(name, PostgresProvider.ProviderName, StringComparison.OrdinalIgnoreCase))
        {
            return connectionString.Length != 0
                ? new PostgresProvider(connectionString)
                : throw new ArgumentException("PostgreSQL needs Storage:ConnectionString (Host=...;Database=...;Username=...;Password=...).", nameof(connectionString));
        }

        throw new ArgumentException($"Storage:Provider '{name}' is not supported; use {string.Join(" or ", Names.Select(n => $"'{n}'"))}.", nameof(name));
    }

    /// <summary>Null when the settings can make a provider, else why not (for the options validator).</summary>
    public static string? Check(string name, string connectionString)
    {
        try
        {
            if (string.Equals(name, SqliteProvider.ProviderName, StringComparison.OrdinalIgnoreCase))
            {
                _ = new SqliteConnectionStringBuilder(connectionString);
                return null;
            }

            if (string.Equals(name, PostgresProvider.ProviderName, StringComparison.OrdinalIgnoreCase))
            {
                _ = new NpgsqlConnectionStringBuilder(connectionString);
                return connectionString.Length == 0 ? "Storage:Provider 'postgresql' needs Storage:ConnectionString (Host=...;Database=...;Username=...;Password=...)." : null;
            }

            return $"Storage:Provider '{name}' is not supported; use {string.Join(" or ", Names.Select(n => $"'{n}'"))}.";
        }
        catch (ArgumentException e)
        {
            return $"Storage:ConnectionString is not a valid {name} connection string: {e.Message}";
        }
    }
}
