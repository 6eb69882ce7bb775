namespace Parley.Server.Storage;

/// <summary>`parley storage copy` refused or failed; the message is one line for the operator, and nothing was committed.</summary>
public sealed class StorageCopyException : InvalidOperationException
{
    public StorageCopyException()
    {
    }

    public StorageCopyException(string message)
        : base(message)
    {
    }

    public StorageCopyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
