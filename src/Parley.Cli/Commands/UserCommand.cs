using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Accounts;
using Parley.Server.Admin;
using Parley.Server.Hosting;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley user add|passwd|remove|list`: account administration on the database file, safe while
/// the server runs (SQLite WAL and busy timeout). Starts no listener.
/// </summary>
internal static class UserCommand
{
    public const string Help = $"""
        Usage:
          parley user add JID [--password P] [options]      create an account
          parley user passwd JID [--password P] [--kick] [options]
                                                            change its password (--kick: end its live sessions)
          parley user remove JID [options]                  delete it and its data, end its live sessions
          parley user archive-delete JID [options]          delete its message archive (XEP-0313)
          parley user list [DOMAIN] [options]               list accounts, one JID a line

        Without --password the password is read from standard input (one line; not echoed on a
        terminal). A password on the command line is visible to other local users.

        Options:
        {ConfigurationArguments.Help}
          --password P       the password
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, ConsoleStreams console, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            throw new UsageException("missing user command (add, passwd, remove or list)");
        }

        var verb = args[0];
        if (verb is "--help" or "-h" or "help")
        {
            await console.Out.WriteAsync(Help).ConfigureAwait(false);
            return 0;
        }

        var accepted = verb is "add"
            ? ConfigurationArguments.With(("--password", OptionKind.Value))
            : verb is "passwd"
            ? ConfigurationArguments.With(("--password", OptionKind.Value), ("--kick", OptionKind.Flag))
            : verb is "remove" or "list" or "archive-delete"
                ? ConfigurationArguments.With()
                : throw new UsageException($"unknown user command '{verb}' (add, passwd, remove, archive-delete or list)");
        var arguments = Arguments.Parse([.. args.Skip(1)], accepted);
        if (arguments.Has("--help"))
        {
            await console.Out.WriteAsync(Help).ConfigureAwait(false);
            return 0;
        }

        if (verb == "list")
        {
            arguments.ExpectPositionals(0, 1, "domain");
        }
        else
        {
            arguments.ExpectPositionals(1, 1, "JID");
        }

        var services = new ServiceCollection();
        services.AddLogging(logging => CliLogging.Configure(logging, LogLevel.Warning));
        services.AddParleyCore(ConfigurationArguments.Build(arguments, []));
        await using var provider = services.BuildServiceProvider();
        // Resolving the options runs their validation, as ValidateOnStart does for the server.
        var options = provider.GetRequiredService<IOptions<ParleyOptions>>().Value;
        await provider.GetRequiredService<SqlDatabase>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        var accounts = provider.GetRequiredService<AccountService>();

        if (verb == "list")
        {
            return await ListAsync(accounts, options, arguments, console, cancellationToken).ConfigureAwait(false);
        }

        var jid = Jid.TryParse(arguments.Positionals[0], out var parsed)
            ? parsed
            : throw new CommandFailedException($"'{arguments.Positionals[0]}' is not a valid JID");
        // Refuse what can be known now before asking for a password; the service re-checks
        // because another process may change the account in between.
        if (!accounts.IsHosted(jid.Domain))
        {
            throw new CommandFailedException(NotHosted(jid.Domain, options));
        }

        var exists = await accounts.ExistsAsync(jid, cancellationToken).ConfigureAwait(false);
        if (verb == "add" && exists)
        {
            throw new CommandFailedException(Describe(AccountResult.AlreadyExists, jid, options));
        }

        if (verb != "add" && !exists)
        {
            throw new CommandFailedException(Describe(AccountResult.NotFound, jid, options));
        }

        if (verb == "archive-delete")
        {
            // The account stays; its archive is emptied (a user's "delete my history").
            var deleted = await new Parley.Server.Modules.Archive.SqlArchiveStore(provider.GetRequiredService<SqlDatabase>()).DeleteAllAsync(Parley.Server.Modules.Archive.ArchiveOwner.Account(jid), cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"Deleted {deleted} archived messages of {jid}").ConfigureAwait(false);
            return 0;
        }

        var result = verb switch
        {
            "add" => await accounts.CreateAsync(jid, ReadPassword(arguments, console, confirm: true), cancellationToken).ConfigureAwait(false),
            "passwd" => await accounts.SetPasswordAsync(jid, ReadPassword(arguments, console, confirm: true), cancellationToken).ConfigureAwait(false),
            _ => await accounts.RemoveAsync(jid, cancellationToken).ConfigureAwait(false),
        };

        if (result != AccountResult.Succeeded)
        {
            throw new CommandFailedException(Describe(result, jid, options));
        }

        var done = verb switch
        {
            "add" => $"Created {jid}",
            "passwd" => $"Changed the password of {jid}",
            _ => $"Removed {jid}",
        };
        await console.Out.WriteLineAsync(done).ConfigureAwait(false);
        if (verb == "remove" || (verb == "passwd" && arguments.Has("--kick")))
        {
            await EndSessionsAsync(jid, options, passwordChanged: verb == "passwd", console, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// The account changed in the database; a running server still carries its sessions. Asks it
    /// through the admin socket in the data folder to end them (docs/operations.md).
    /// </summary>
    private static async Task EndSessionsAsync(Jid account, ParleyOptions options, bool passwordChanged, ConsoleStreams console, CancellationToken cancellationToken)
    {
        int? ended;
        try
        {
            ended = await AdminSocketClient.EndSessionsAsync(options.DataDirectory, account, passwordChanged, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new CommandFailedException($"the account changed, but its live sessions could not be ended through {Path.Combine(options.DataDirectory, AdminSocket.FileName)}: {e.Message}");
        }

        var message = ended is { } count
            ? $"Ended {count} live session(s) of {account}"
            : "No server is running on this data folder: no live sessions to end";
        await console.Out.WriteLineAsync(message).ConfigureAwait(false);
    }

    private static async Task<int> ListAsync(AccountService accounts, ParleyOptions options, Arguments arguments, ConsoleStreams console, CancellationToken cancellationToken)
    {
        var domain = arguments.Positionals.Count == 0 ? null : arguments.Positionals[0];
        if (domain is not null && !accounts.IsHosted(domain))
        {
            throw new CommandFailedException(NotHosted(domain, options));
        }

        foreach (var account in await accounts.ListAsync(domain, cancellationToken).ConfigureAwait(false))
        {
            await console.Out.WriteLineAsync(account.ToString()).ConfigureAwait(false);
        }

        return 0;
    }

    private static string Describe(AccountResult result, Jid jid, ParleyOptions options) => result switch
    {
        AccountResult.AlreadyExists => $"{jid} already exists",
        AccountResult.NotFound => $"no such account: {jid}",
        AccountResult.InvalidAddress => $"'{jid}' is not an account address (user@domain, without a resource)",
        AccountResult.DomainNotHosted => NotHosted(jid.Domain, options),
        AccountResult.InvalidPassword => "the password is empty or contains characters a password may not have",
        _ => result.ToString(),
    };

    private static string NotHosted(string domain, ParleyOptions options) =>
        $"{domain} is not a hosted domain (hosted: {string.Join(", ", options.Domains)}); add it with --domain or the Domains setting";

    private static string ReadPassword(Arguments arguments, ConsoleStreams console, bool confirm)
    {
        if (arguments.Value("--password") is { } given)
        {
            return given;
        }

        if (!console.InputIsTerminal)
        {
            return console.In.ReadLine() ?? throw new CommandFailedException("no password given (use --password or one line on standard input)");
        }

        var password = ReadHidden(console.Error, "Password: ");
        if (confirm && ReadHidden(console.Error, "Repeat password: ") != password)
        {
            throw new CommandFailedException("the passwords do not match");
        }

        return password;
    }

    /// <summary>Reads a line from the terminal without echoing it.</summary>
    private static string ReadHidden(TextWriter prompt, string text)
    {
        prompt.Write(text);
        prompt.Flush();
        var line = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (line.Length > 0)
                {
                    line.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                line.Append(key.KeyChar);
            }
        }

        prompt.WriteLine();
        return line.ToString();
    }
}
