using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Parley.Server.Hosting;

namespace Parley.Cli;

/// <summary>
/// One line per message, all on standard error, so standard output carries only what scripts and
/// tests read (endpoints, "Parley is ready", account lists).
/// </summary>
internal static class CliLogging
{
    public static void Configure(ILoggingBuilder logging, LogLevel minimum)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(minimum);
        ConsoleLogging.Add(logging, ConsoleLogging.Text);
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
