using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;
using CommandLine = Parley.Cli.Cli;

namespace Parley.Server.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task User_add_list_passwd_remove()
    {
        var add = await RunAsync(["user", "add", "Alice@LocalHost", "--data", _data.Path, "--password", "Pw-first-7c1e"]);
        Assert.Equal((0, "Created alice@localhost\n", ""), add);

        var piped = await RunAsync(["user", "add", "bob@localhost", "--data", _data.Path], input: "Pw-stdin-4b2f\n");
        Assert.Equal(0, piped.Code);

        Assert.Equal((0, "alice@localhost\nbob@localhost\n", ""), await RunAsync(["user", "list", "--data", _data.Path]));
        Assert.Equal((0, "alice@localhost\nbob@localhost\n", ""), await RunAsync(["user", "list", "LOCALHOST", "--data", _data.Path]));

        var passwd = await RunAsync(["user", "passwd", "alice@localhost", "--data", _data.Path], input: "Pw-second-9d3a\n");
        Assert.Equal((0, "Changed the password of alice@localhost\n", ""), passwd);
        await AssertPasswordAsync("alice@localhost", "Pw-second-9d3a");
        await AssertPasswordAsync("bob@localhost", "Pw-stdin-4b2f");

        Assert.Equal((0, "Removed bob@localhost\nNo server is running on this data folder: no live sessions to end\n", ""), await RunAsync(["user", "remove", "bob@localhost", "--data", _data.Path]));
        Assert.Equal((0, "alice@localhost\n", ""), await RunAsync(["user", "list", "--data", _data.Path]));

        // Only SCRAM verifiers are stored (RFC 5802 §3): no password appears in any database file.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_data.Path))
        {
            var content = System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain("Pw-", content, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task User_failures_exit_with_1_and_say_why()
    {
        await RunAsync(["user", "add", "alice@localhost", "--data", _data.Path, "--password", "pw"]);

        await AssertFailsAsync(1, "already exists", "user", "add", "alice@localhost", "--data", _data.Path, "--password", "pw");
        await AssertFailsAsync(1, "no such account", "user", "passwd", "nobody@localhost", "--data", _data.Path, "--password", "pw");
        await AssertFailsAsync(1, "no such account", "user", "remove", "nobody@localhost", "--data", _data.Path);
        await AssertFailsAsync(1, "not a hosted domain", "user", "add", "alice@example.com", "--data", _data.Path, "--password", "pw");
        await AssertFailsAsync(1, "not a hosted domain", "user", "list", "example.com", "--data", _data.Path);
        await AssertFailsAsync(1, "not a valid JID", "user", "add", "a@b@c", "--data", _data.Path, "--password", "pw");
        await AssertFailsAsync(1, "not an account address", "user", "add", "localhost", "--data", _data.Path, "--password", "pw");
        await AssertFailsAsync(1, "no password", "user", "add", "carol@localhost", "--data", _data.Path);
        await AssertFailsAsync(1, "password", "user", "add", "carol@localhost", "--data", _data.Path, "--password", "");
        await AssertFailsAsync(1, "configuration error: C2sPort", "user", "list", "--data", _data.Path, "--config", WriteConfig("""{ "C2sPort": -5 }"""));
        await AssertFailsAsync(1, "missing.json", "user", "list", "--config", Path.Combine(_data.Path, "missing.json"));
    }

    [Fact]
    public async Task User_domains_come_from_options_and_configuration()
    {
        var config = WriteConfig($$"""{ "Domains": ["chat.example"], "DataDirectory": "{{_data.Path.Replace("\\", "\\\\", StringComparison.Ordinal)}}" }""");

        Assert.Equal(0, (await RunAsync(["user", "add", "alice@chat.example", "--config", config, "--password", "pw"])).Code);
        Assert.Equal(0, (await RunAsync(["user", "add", "bob@example.org", "--data", _data.Path, "--domain", "example.org", "--password", "pw"])).Code);
        await AssertFailsAsync(1, "not a hosted domain", "user", "add", "carol@localhost", "--config", config, "--password", "pw");

        Assert.Equal((0, "alice@chat.example\nbob@example.org\n", ""), await RunAsync(["user", "list", "--config", config]));
    }

    [Theory]
    [InlineData]
    [InlineData("frobnicate")]
    [InlineData("user")]
    [InlineData("user", "rename", "a@localhost")]
    [InlineData("user", "add")]
    [InlineData("user", "add", "a@localhost", "b@localhost")]
    [InlineData("user", "remove", "a@localhost", "--password", "x")]
    [InlineData("user", "add", "a@localhost", "--password")]
    [InlineData("user", "add", "a@localhost", "--data", "x", "--data", "y")]
    [InlineData("serve", "--c2s-port", "abc")]
    [InlineData("serve", "--allow-plaintext-auth=yes")]
    [InlineData("serve", "extra")]
    public async Task Usage_errors_exit_with_2(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("parley: ", error, StringComparison.Ordinal);
        Assert.Contains("parley --help", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("user", "--help")]
    [InlineData("user", "add", "--help")]
    [InlineData("serve", "--help")]
    public async Task Help_is_printed_on_standard_output(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(0, code);
        Assert.Contains("Usage", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Version_is_printed()
    {
        var (code, output, _) = await RunAsync(["--version"]);

        Assert.Equal(0, code);
        Assert.StartsWith("parley ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_reports_each_endpoint_then_ready_and_stops_on_request()
    {
        var c2s = LoopbackPort.Free();
        var c2sTls = LoopbackPort.Free();
        var output = new ReadyWriter();
        using var stop = new CancellationTokenSource();
        var serving = CommandLine.RunAsync(
            ["serve", "--data", _data.Path, "--bind", "127.0.0.1", "--c2s-port", c2s.ToString(System.Globalization.CultureInfo.InvariantCulture), "--c2s-tls-port", c2sTls.ToString(System.Globalization.CultureInfo.InvariantCulture), "--s2s-port", "0"],
            output, new StringWriter(), TextReader.Null, stop.Token);

        var first = await Task.WhenAny(output.Ready, serving).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(first == output.Ready, $"serve ended before it was ready: {output}");
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Listening on c2s 127.0.0.1:" + c2s, "Listening on c2s-tls 127.0.0.1:" + c2sTls, "Parley is ready"], lines.Order(StringComparer.Ordinal));
        Assert.Equal("Parley is ready", lines[^1]);
        Assert.True(File.Exists(Path.Combine(_data.Path, "certificate.pfx")));
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, c2s);
        }

        // While the server runs, the CLI manages accounts in the same database.
        Assert.Equal(0, (await RunAsync(["user", "add", "alice@localhost", "--data", _data.Path, "--password", "pw"])).Code);

        await stop.CancelAsync();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(60)));
        using var after = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => after.ConnectAsync(System.Net.IPAddress.Loopback, c2s));
    }

    [Fact]
    public async Task Serve_with_an_invalid_configuration_exits_with_1()
    {
        var (code, output, error) = await RunAsync(["serve", "--data", _data.Path, "--c2s-port", "70000"]);

        Assert.Equal(1, code);
        Assert.DoesNotContain("Parley is ready", output, StringComparison.Ordinal);
        Assert.Contains("C2sPort", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string input = "")
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await CommandLine.RunAsync(args, output, error, new StringReader(input));
        return (code, output.ToString(), error.ToString());
    }

    private static async Task AssertFailsAsync(int expectedCode, string expectedMessage, params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(expectedCode, code);
        Assert.Equal("", output);
        Assert.Contains(expectedMessage, error, StringComparison.Ordinal);
    }

    private async Task AssertPasswordAsync(string account, string password)
    {
        await using var services = await _data.CreateServicesAsync();
        var stored = await services.GetRequiredService<IAccountStore>().FindCredentialAsync(Jid.Parse(account), ScramHash.Sha256);
        Assert.NotNull(stored);
        Assert.Equal(ScramCredential.Derive(ScramHash.Sha256, password, stored.Salt, stored.Iterations).StoredKey, stored.StoredKey);
    }

    private string WriteConfig(string json)
    {
        var path = Path.Combine(Path.GetDirectoryName(_data.Path)!, "parley-" + Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }
}
