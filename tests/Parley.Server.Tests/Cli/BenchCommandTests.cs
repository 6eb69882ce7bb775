using System.Globalization;
using Parley.Cli.Commands;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Storage;
using CommandLine = Parley.Cli.Cli;

namespace Parley.Server.Tests.Cli;

/// <summary>
/// `parley bench` on loopback: the generator against the floor relay and against a real Parley.
/// Short runs that assert what is deterministic (something delivered, nothing failed or lost),
/// never a rate.
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Floor_relays_the_message_loads_and_answers_logins()
    {
        var port = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture);
        var output = new ReadyWriter(BenchCommand.FloorReadyLine);
        using var stop = new CancellationTokenSource();
        var floor = CommandLine.RunAsync(["bench", "floor", "--port", port, "--domain", "bench.test"], output, new StringWriter(), TextReader.Null, stop.Token);
        Assert.True(await Task.WhenAny(output.Ready, floor).WaitAsync(TimeSpan.FromSeconds(30)) == output.Ready, $"floor ended: {output}");

        string[] target = ["--port", port, "--domain", "bench.test", "--pairs", "2", "--seconds", "1", "--warmup", "0.2"];
        var throughput = await RunAsync(["bench", "throughput", "--window", "8", .. target]);
        Assert.Equal("throughput", throughput["mode"]);
        Assert.True(long.Parse(throughput["delivered"], CultureInfo.InvariantCulture) > 0);
        Assert.Equal("0", throughput["lost"]);
        Assert.Equal("0", throughput["stalls"]);

        var latency = await RunAsync(["bench", "latency", "--rate", "200", .. target]);
        Assert.True(long.Parse(latency["samples"], CultureInfo.InvariantCulture) > 0);
        Assert.True(double.Parse(latency["p99_ms"], CultureInfo.InvariantCulture) <= double.Parse(latency["max_ms"], CultureInfo.InvariantCulture));
        Assert.Equal("0", latency["lost"]);

        var logins = await RunAsync(["bench", "logins", "--concurrency", "2", "--logins", "10", .. target]);
        Assert.Equal("10", logins["logins"]);
        Assert.Equal("0", logins["failed"]);

        await stop.CancelAsync();
        Assert.Equal(0, await floor.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Logins_and_idle_sessions_against_parley()
    {
        string[] accounts = ["bench", "register", "--data", _data.Path, "--domain", "localhost", "--users", "3"];
        Assert.Equal("3", (await RunAsync(accounts))["created"]);
        // Setup can be repeated: existing accounts are left as they are.
        Assert.Equal("3", (await RunAsync(accounts))["existed"]);

        var port = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture);
        var http = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture);
        var output = new ReadyWriter();
        using var stop = new CancellationTokenSource();
        var serving = CommandLine.RunAsync(
            ["serve", "--data", _data.Path, "--bind", "127.0.0.1", "--c2s-port", port, "--c2s-tls-port", "0", "--http-port", http, "--allow-plaintext-auth"],
            output, new StringWriter(), TextReader.Null, stop.Token);
        Assert.True(await Task.WhenAny(output.Ready, serving).WaitAsync(TimeSpan.FromSeconds(60)) == output.Ready, $"serve ended: {output}");

        string[] target = ["--port", port, "--users", "3", "--concurrency", "2", "--seconds", "1", "--warmup", "0"];
        foreach (var (mechanism, tls) in new[] { ("PLAIN", "off"), ("SCRAM-SHA-256", "off"), ("SCRAM-SHA-1", "on") })
        {
            var logins = await RunAsync(["bench", "logins", "--mechanism", mechanism, "--tls", tls, "--logins", "6", .. target]);
            Assert.Equal("6", logins["logins"]);
            Assert.Equal("0", logins["failed"]);
        }

        // The same loads over RFC 7395 WebSocket (--websocket): logins, and messages between a pair.
        var websocketLogins = await RunAsync(["bench", "logins", "--websocket", http, "--logins", "6", .. target]);
        Assert.Equal("6", websocketLogins["logins"]);
        Assert.Equal("0", websocketLogins["failed"]);
        var websocketMessages = await RunAsync(["bench", "throughput", "--websocket", http, "--pairs", "1", "--window", "8", .. target]);
        Assert.True(long.Parse(websocketMessages["delivered"], CultureInfo.InvariantCulture) > 0);

        // The server runs in this process, so the test's own /proc entry is the server's.
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var idle = await RunAsync(["bench", "idle", "--sessions", "3", "--server-pid", pid, .. target]);
        Assert.Equal("3", idle["sessions"]);
        Assert.Equal("0", idle["failed"]);
        Assert.True(long.Parse(idle["rss_after_kib"], CultureInfo.InvariantCulture) > 0);
        Assert.True(double.Parse(idle["server_cpu"], CultureInfo.InvariantCulture) >= 0);

        await stop.CancelAsync();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData("bench")]
    [InlineData("bench", "sprint")]
    [InlineData("bench", "logins", "--mechanism", "DIGEST-MD5")]
    [InlineData("bench", "logins", "--tls", "maybe")]
    [InlineData("bench", "throughput", "--pairs", "0")]
    [InlineData("bench", "latency", "--seconds", "soon")]
    public async Task Bench_usage_errors_exit_with_2(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, await CommandLine.RunAsync(args, output, error, TextReader.Null));
        Assert.StartsWith("parley: ", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Runs a bench command that must succeed and returns its RESULT line's fields.</summary>
    private static async Task<Dictionary<string, string>> RunAsync(string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await CommandLine.RunAsync(args, output, error, TextReader.Null).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(code == 0, $"exit {code}: {error}");
        var result = output.ToString().Split('\n').Single(line => line.StartsWith("RESULT ", StringComparison.Ordinal));
        return result.Split(' ').Skip(1).Select(field => field.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
    }
}
