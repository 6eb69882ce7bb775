using System.Diagnostics;
using Npgsql;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Storage;

/// <summary>
/// A throwaway PostgreSQL from Debian's postgresql package (scripts/install-test-deps.sh): initdb
/// into a temporary folder, pg_ctl start on a free loopback port (no Unix socket outside the
/// folder), stopped and deleted on dispose. PostgreSQL refuses to run as root, and CI runs as
/// root, so there the binaries run as nobody through runuser. Password authentication (SCRAM)
/// over TCP, as a real deployment has, so wrong credentials can be tested.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    public const string Superuser = "parley_admin";

    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(StartSharedAsync);

    private readonly string _bin;
    private readonly string _root;
    private readonly string[] _settings;
    private int _stopped;

    private PostgresServer(string bin, string root, int port, string password, string[] settings)
    {
        _bin = bin;
        _root = root;
        Port = port;
        Password = password;
        _settings = settings;
    }

    public int Port { get; }

    public string Password { get; }

    private string DataPath => Path.Combine(_root, "data");

    /// <summary>
    /// One server for the whole test run (started on first use, stopped when the test process
    /// exits); each test makes its own database in it.
    /// </summary>
    public static Task<PostgresServer> Shared => SharedServer.Value;

    /// <summary>A server of its own, for tests that stop and restart it.</summary>
    /// <param name="settings">postgres -c settings, e.g. "fsync=off".</param>
    public static async Task<PostgresServer> StartAsync(params string[] settings)
    {
        var bin = FindBinaries();
        var root = Path.Combine(Path.GetTempPath(), "parley-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var password = Guid.NewGuid().ToString("N");
        var passwordFile = Path.Combine(root, "password");
        await File.WriteAllTextAsync(passwordFile, password);
        if (RunsAsRoot)
        {
            await RunAsync("chown", ["-R", "nobody:nogroup", root]);
        }

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", Path.Combine(root, "data"), "-U", Superuser, "--pwfile", passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgres: true);
        File.Delete(passwordFile);
        var server = new PostgresServer(bin, root, LoopbackPort.Free(), password, settings);
        server.StartWatchdog();
        try
        {
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> as the superuser (or another user and password).</summary>
    public string ConnectionString(string database, string user = Superuser, string? password = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = user,
            Password = password ?? Password,
            // A test drops its database while its pool may still hold a connection.
            Pooling = true,
            Timeout = 5,
        }.ToString();

    /// <summary>A new, empty database; returns its name.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE {name}");
        return name;
    }

    public Task DropDatabaseAsync(string name) => ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    /// <summary>Runs one statement in the maintenance database as the superuser.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Stops the server the way an operator's restart does (fast shutdown: sessions are ended, committed data kept).</summary>
    public Task StopAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataPath, "-m", "fast", "-w", "stop"], asPostgres: true);

    /// <summary>Starts (again) on the same port, returning once it accepts connections.</summary>
    public Task StartAgainAsync()
    {
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -k {_root} -c max_connections=300 " + string.Join(' ', _settings.Select(s => "-c " + s));
        return RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataPath, "-l", Path.Combine(_root, "log"), "-w", "-t", "60", "-o", options, "start"], asPostgres: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataPath, "postmaster.pid")))
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataPath, "-m", "immediate", "-w", "stop"], asPostgres: true);
        }

        Directory.Delete(_root, recursive: true);
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        // fsync off: the shared server holds only test data; the restart test runs its own with fsync on.
        var server = await StartAsync("fsync=off", "synchronous_commit=off", "full_page_writes=off");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopOnExit();
        return server;
    }

    /// <summary>
    /// At the test process's exit the runner may end it before asynchronous work finishes, so the
    /// stop and the deletion run in a shell of their own, which outlives the process if need be.
    /// </summary>
    private void StopOnExit()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        var stop = $"{Quote(Path.Combine(_bin, "pg_ctl"))} -D {Quote(DataPath)} -m immediate -w stop";
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{(RunsAsRoot ? "runuser -u nobody -- " : "")}{stop} >/dev/null 2>&1; rm -rf {Quote(_root)}");
        using var process = Process.Start(start)!;
        process.WaitForExit(TimeSpan.FromSeconds(20));
    }

    /// <summary>
    /// A shell that outlives this process if it is killed (a hung run, a runner that ends its test
    /// host abruptly): once the process is gone it stops the server and deletes the folder, so no
    /// PostgreSQL is left running. It holds none of the runner's pipes open.
    /// </summary>
    private void StartWatchdog()
    {
        var stop = $"{Quote(Path.Combine(_bin, "pg_ctl"))} -D {Quote(DataPath)} -m immediate -w stop";
        var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = false, RedirectStandardError = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 1; done; "
            + $"if [ -d {Quote(DataPath)} ]; then {(RunsAsRoot ? "runuser -u nobody -- " : "")}{stop}; rm -rf {Quote(_root)}; fi");
        using var process = Process.Start(start)!;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static bool RunsAsRoot => Environment.UserName == "root";

    /// <summary>The newest installed major version's binaries (Debian keeps them out of PATH).</summary>
    private static string FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        var bin = versions
            .Select(v => Path.Combine(v, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var major) ? major : 0)
            .FirstOrDefault();
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); run scripts/install-test-deps.sh");
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres = false)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && RunsAsRoot)
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "nobody", "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
