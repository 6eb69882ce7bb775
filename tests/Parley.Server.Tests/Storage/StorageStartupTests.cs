using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Server.Tests.Infrastructure;
using CommandLine = Parley.Cli.Cli;

namespace Parley.Server.Tests.Storage;

/// <summary>
/// A database that cannot serve stops `parley serve` (and `parley user`) at start with exit code 1
/// and one line that names the problem and the setting to fix; nothing listens.
/// </summary>
public sealed class StorageStartupTests
{
    public enum Fault
    {
        Unreachable,
        WrongPassword,
        MissingDatabase,
        NewerSchema,
    }

    [Theory]
    [InlineData(Fault.Unreachable, "cannot reach PostgreSQL at 127.0.0.1:")]
    [InlineData(Fault.WrongPassword, "refused user 'parley_admin'")]
    [InlineData(Fault.MissingDatabase, "has no database 'nosuchdb'")]
    [InlineData(Fault.NewerSchema, "newer than this Parley knows")]
    public async Task Serve_and_user_exit_at_start_with_one_line_naming_the_problem(Fault fault, string expected)
    {
        var server = await PostgresServer.Shared;
        await using var database = await TestDatabase.CreateAsync(StorageEngine.Postgres);
        var name = database.Settings.Single(s => s.Key == "Storage:ConnectionString").Value;
        var connection = fault switch
        {
            Fault.Unreachable => server.ConnectionString("postgres").Replace($"Port={server.Port}", $"Port={LoopbackPort.Free()}", StringComparison.Ordinal),
            Fault.WrongPassword => server.ConnectionString("postgres", password: "not-the-password"),
            Fault.MissingDatabase => server.ConnectionString("nosuchdb"),
            _ => name,
        };
        if (fault == Fault.NewerSchema)
        {
            await using var services = await database.CreateServicesAsync();
            await using var open = await services.GetRequiredService<SqlDatabase>().OpenAsync(CancellationToken.None);
            await using var command = open.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'future', '')";
            await command.ExecuteNonQueryAsync();
        }

        var data = database.Settings.Single(s => s.Key == "DataDirectory").Value;
        string[] storage = ["--data", data, "--storage-provider", "postgresql", "--storage-connection", connection];
        var serve = await RunAsync(["serve", "--bind", "127.0.0.1", "--c2s-port", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture), "--c2s-tls-port", "0", "--s2s-port", "0", .. storage]);
        var user = await RunAsync(["user", "list", .. storage]);

        foreach (var (code, output, error) in new[] { serve, user })
        {
            Assert.Equal(1, code);
            Assert.DoesNotContain("Parley is ready", output, StringComparison.Ordinal);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("parley: ", line, StringComparison.Ordinal);
            Assert.Contains(expected, line, StringComparison.Ordinal);
            Assert.Contains(fault == Fault.NewerSchema ? "upgrade Parley" : "Storage:ConnectionString", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await CommandLine.RunAsync(args, output, error, new StringReader(""));
        return (code, output.ToString(), error.ToString());
    }
}
