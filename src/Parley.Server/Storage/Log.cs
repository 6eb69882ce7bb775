using Microsoft.Extensions.Logging;

namespace Parley.Server.Storage;

/// <summary>Storage log messages; event IDs 500-599.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Applied database migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);
}
