namespace Parley.Server.Storage;

/// <summary>
/// The database cannot serve at all (unreachable, credentials refused, no such database, a schema
/// newer than this build). The message is one line for the operator that names the setting to
/// fix; `parley` prints it and exits instead of starting.
/// </summary>
public sealed class StorageUnusableException : InvalidOperationException
{
    public StorageUnusableException()
    {
    }

    public StorageUnusableException(string message)
        : base(message)
    {
    }

    public StorageUnusableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
