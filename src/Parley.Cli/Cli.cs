using System.Reflection;
using Microsoft.Extensions.Options;
using Parley.Cli.Commands;

namespace Parley.Cli;

/// <summary>
/// The `parley` command line: dispatches to a command and turns failures into exit codes
/// (0 done, 1 failed, 2 usage error) and one-line messages on standard error.
/// </summary>
internal static class Cli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    private const string Help = """
        Parley, an XMPP server.

        Usage:
          parley serve [options]          run the server (parley serve --help)
          parley user COMMAND [options]   add, passwd, remove or list accounts (parley user --help)
          parley storage COMMAND ...      copy between databases, back up SQLite (parley storage --help)
          parley bench MODE [options]     load generator and floor relay (parley bench --help)
          parley --version                print the version
          parley --help                   print this help

        Configuration comes from the --config JSON file, then PARLEY_* environment variables
        (PARLEY_C2sPort, PARLEY_Limits__MaxStanzaBytes), then command-line options.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader input, CancellationToken cancellationToken = default)
    {
        var console = new ConsoleStreams(output, error, input);
        try
        {
            if (args.Length == 0)
            {
                throw new UsageException("missing command");
            }

            var rest = args.AsSpan(1).ToArray();
            switch (args[0])
            {
                case "--help" or "-h" or "help":
                    await output.WriteAsync(Help).ConfigureAwait(false);
                    return Success;
                case "--version":
                    await output.WriteLineAsync("parley " + Version).ConfigureAwait(false);
                    return Success;
                case "serve":
                    return await ServeCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false);
                case "user":
                    return await UserCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false);
                case "storage":
                    return await StorageCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false);
                case "bench":
                    return await BenchCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false);
                default:
                    throw new UsageException($"unknown command '{args[0]}'");
            }
        }
        catch (UsageException exception)
        {
            await error.WriteLineAsync($"parley: {exception.Message}").ConfigureAwait(false);
            await error.WriteLineAsync("Run 'parley --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }
        catch (CommandFailedException exception)
        {
            await error.WriteLineAsync($"parley: {exception.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (OptionsValidationException exception)
        {
            foreach (var failure in exception.Failures)
            {
                await error.WriteLineAsync($"parley: configuration error: {failure}").ConfigureAwait(false);
            }

            return Failure;
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or FormatException or InvalidOperationException)
        {
            // Unreadable configuration files, values of the wrong type, unusable certificates or
            // databases: the message names the file or key.
            await error.WriteLineAsync($"parley: {exception.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Failure;
        }
    }

    private static string Version =>
        typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Cli).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
