using System.Data.Common;

namespace Parley.Server.Storage;

/// <summary>
/// The only place that knows which database engine is behind <see cref="SqlDatabase"/>: how to
/// open a connection, what to do once per connection and once per process, and which folder of
/// embedded migrations applies. Every store writes portable SQL against <see cref="DbConnection"/>
/// with @-named parameters, so adding PostgreSQL (Npgsql) means one more subclass plus its migrations.
/// </summary>
internal abstract class SqlProvider
{
    /// <summary>The folder under Storage/Migrations holding this provider's scripts, e.g. "sqlite".</summary>
    public abstract string MigrationsFolder { get; }

    /// <summary>A new, closed connection.</summary>
    public abstract DbConnection CreateConnection();

    /// <summary>Runs once before the first connection is used (create files, set persistent modes).</summary>
    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Runs on every freshly opened connection (per-connection settings).</summary>
    public abstract Task PrepareConnectionAsync(DbConnection connection, CancellationToken cancellationToken);
}
