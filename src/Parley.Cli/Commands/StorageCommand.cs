using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley storage copy|backup`: moving all data between databases (SQLite and PostgreSQL, either
/// way) and an online backup of a SQLite database. Both are safe while the server runs.
/// </summary>
internal static class StorageCommand
{
    public const string Help = $"""
        Usage:
          parley storage copy --from DB --to DB [--force]
                                 copy every account and all their data from one database to
                                 another; counts are verified and nothing is committed unless
                                 they match. A target that holds data is refused without --force
                                 (which empties it first). Both schemas are brought up to date.
          parley storage backup FILE [options]
                                 write a consistent copy of the SQLite database to FILE (which
                                 must not exist) while the server runs; for PostgreSQL use
                                 pg_dump (docs/operations.md)

        DB is PROVIDER:CONNECTION, e.g.
          sqlite:./data                 the parley.db in a data folder (created if need be)
          sqlite:/var/lib/parley/parley.db
          postgresql:Host=db;Database=parley;Username=parley;Password=secret

        Options (backup):
        {ConfigurationArguments.Help}
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, ConsoleStreams console, CancellationToken cancellationToken)
    {
        var verb = args.Count == 0 ? throw new UsageException("missing storage command (copy or backup)") : args[0];
        if (verb is "--help" or "-h" or "help")
        {
            await console.Out.WriteAsync(Help).ConfigureAwait(false);
            return Cli.Success;
        }

        var accepted = verb switch
        {
            "copy" => new Dictionary<string, OptionKind>(StringComparer.Ordinal) { ["--help"] = OptionKind.Flag, ["--from"] = OptionKind.Value, ["--to"] = OptionKind.Value, ["--force"] = OptionKind.Flag },
            "backup" => ConfigurationArguments.With(),
            _ => throw new UsageException($"unknown storage command '{verb}' (copy or backup)"),
        };
        var arguments = Arguments.Parse([.. args.Skip(1)], accepted);
        if (arguments.Has("--help"))
        {
            await console.Out.WriteAsync(Help).ConfigureAwait(false);
            return Cli.Success;
        }

        return verb == "copy"
            ? await CopyAsync(arguments, console, cancellationToken).ConfigureAwait(false)
            : await BackupAsync(arguments, console, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> CopyAsync(Arguments arguments, ConsoleStreams console, CancellationToken cancellationToken)
    {
        arguments.ExpectPositionals(0, 0, "nothing");
        var from = arguments.Value("--from") ?? throw new UsageException("copy needs --from PROVIDER:CONNECTION");
        var to = arguments.Value("--to") ?? throw new UsageException("copy needs --to PROVIDER:CONNECTION");
        await using var source = Open(from, "--from");
        await using var target = Open(to, "--to");
        var tables = await StorageCopy.CopyAsync(Database(source), Database(target), arguments.Has("--force"), cancellationToken).ConfigureAwait(false);
        foreach (var (table, rows) in tables)
        {
            await console.Out.WriteLineAsync($"{table}: {rows}").ConfigureAwait(false);
        }

        await console.Out.WriteLineAsync($"Copied {tables.Sum(t => t.Rows)} rows in {tables.Count} tables from {source.Name} to {target.Name}; counts verified").ConfigureAwait(false);
        return Cli.Success;
    }

    private static async Task<int> BackupAsync(Arguments arguments, ConsoleStreams console, CancellationToken cancellationToken)
    {
        arguments.ExpectPositionals(1, 1, "FILE");
        var services = new ServiceCollection();
        services.AddLogging(logging => CliLogging.Configure(logging, LogLevel.Warning));
        services.AddParleyCore(ConfigurationArguments.Build(arguments, []));
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<ParleyOptions>>().Value;
        if (provider.GetRequiredService<SqlProvider>() is not SqliteProvider sqlite)
        {
            throw new CommandFailedException("storage backup writes SQLite databases; back up PostgreSQL with pg_dump (docs/operations.md)");
        }

        var file = arguments.Positionals[0];
        await sqlite.BackupAsync(file, cancellationToken).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"Backed up {sqlite.FilePath} to {file}").ConfigureAwait(false);
        return Cli.Success;
    }

    /// <summary>
    /// PROVIDER:CONNECTION. For SQLite the connection may also be an existing file or a path ending
    /// in .db, else a data folder (its parley.db); anything with '=' is a connection string.
    /// </summary>
    private static SqlProvider Open(string spec, string option)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == spec.Length - 1)
        {
            throw new UsageException($"option '{option}' needs PROVIDER:CONNECTION ({string.Join(" or ", SqlProviderFactory.Names)}), not '{spec}'");
        }

        var name = spec[..colon];
        var connection = spec[(colon + 1)..];
        if (string.Equals(name, SqliteProvider.ProviderName, StringComparison.OrdinalIgnoreCase) && !connection.Contains('=', StringComparison.Ordinal))
        {
            var isFile = File.Exists(connection) || connection.EndsWith(".db", StringComparison.OrdinalIgnoreCase);
            connection = SqliteProvider.ForFile(isFile ? connection : Path.Combine(connection, "parley.db"));
        }

        if (SqlProviderFactory.Check(name, connection) is { } problem)
        {
            throw new UsageException($"option '{option}': {problem}");
        }

        return SqlProviderFactory.Create(name, connection, ".");
    }

    private static SqlDatabase Database(SqlProvider provider) => new(provider, TimeProvider.System, NullLogger<SqlDatabase>.Instance);
}
