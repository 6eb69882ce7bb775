namespace Parley.Server.Tests.Storage;

/// <summary>The database engines every store's contract runs against.</summary>
public enum StorageEngine
{
    Sqlite,
    Postgres,
}
