using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

/// <summary>
/// The console log of the server and the `parley` commands: one line per message with an ISO 8601
/// UTC timestamp (2026-12-03T14:05:09.123Z), or with LogFormat "json" one JSON object per line for
/// log shippers (timestamp, level, category, message, and the message's named values as "State").
/// </summary>
public static class ConsoleLogging
{
    public const string Text = "text";
    public const string Json = "json";

    /// <summary>ISO 8601 in UTC to the millisecond: sortable, unambiguous across days and time zones.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static void Add(ILoggingBuilder logging, string? format)
    {
        if (string.Equals(format, Json, StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json =>
            {
                json.TimestampFormat = TimestampFormat;
                json.UseUtcTimestamp = true;
            });
            return;
        }

        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = TimestampFormat + " ";
            console.UseUtcTimestamp = true;
        });
    }
}
