using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Cli.Commands;
using Parley.Server.Hosting;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Storage;

namespace Parley.Server.Tests.Hosting;

/// <summary>
/// dist/parley.service and dist/parley.json, what an operator installs (issue 12): the unit is valid
/// for systemd and runs the sample configuration through `parley serve`'s own loader and checks; the
/// sample sets every key docs/configuration.md documents, or says why not.
/// </summary>
public sealed partial class DistributionFilesTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    private static string Unit => Path.Combine(Repository.Root, "dist", "parley.service");

    private static string SampleConfiguration => Path.Combine(Repository.Root, "dist", "parley.json");

    public void Dispose() => _data.Dispose();

    [Fact]
    public void The_unit_runs_serve_as_a_dedicated_user_in_its_state_directory_hardened_and_reloads_with_sighup()
    {
        var service = Section("Service");

        Assert.Equal("parley", service["User"]);
        Assert.Equal("parley", service["StateDirectory"]);
        Assert.Equal("0700", service["StateDirectoryMode"]);
        Assert.Equal("/var/lib/parley", service["WorkingDirectory"]);
        Assert.Equal("/bin/kill -HUP $MAINPID", service["ExecReload"]);
        Assert.Equal("yes", service["NoNewPrivileges"]);
        Assert.Equal("strict", service["ProtectSystem"]);
        Assert.Equal("yes", service["PrivateTmp"]);
        Assert.Equal("", service["CapabilityBoundingSet"]);
        // The .NET JIT writes executable code: this hardening option would stop the runtime at start.
        Assert.False(service.ContainsKey("MemoryDenyWriteExecute"));
        Assert.Equal("multi-user.target", Section("Install")["WantedBy"]);
    }

    [Fact]
    public void The_sample_configuration_passes_serve_s_loader_and_every_check_of_the_options()
    {
        var command = Section("Service")["ExecStart"].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["/opt/parley/parley", "serve"], command[..2]);
        var arguments = ServeCommand.Parse(command[2..]);
        Assert.Equal("/etc/parley/parley.json", arguments.Value("--config"));
        Assert.Equal("/var/lib/parley", arguments.Value("--data"));

        // The same arguments with the repository's sample file and a data folder of this test.
        var local = command[2..].Select(a => a == "/etc/parley/parley.json" ? SampleConfiguration : a == "/var/lib/parley" ? _data.Path : a).ToArray();
        var configuration = ServeCommand.Configuration(ServeCommand.Parse(local));
        Assert.Empty(ConfigurationKeys.FindUnknown(configuration));
        using var services = new ServiceCollection().AddParleyCore(configuration).BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<ParleyOptions>>().Value;

        Assert.Equal(["example.org"], options.Domains);
        Assert.Equal(_data.Path, options.DataDirectory);
        Assert.Equal(5269, options.S2s.Port);
        Assert.Equal("local", options.Muc.CreateRooms);
    }

    [Fact]
    public void The_sample_configuration_sets_every_documented_key_or_says_why_not()
    {
        // The keys of docs/configuration.md's tables (not the command-line options).
        var documented = File.ReadLines(Path.Combine(Repository.Root, "docs", "configuration.md"))
            .Select(line => DocumentedKey().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["key"].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.True(documented.Count > 100, $"expected the page to document many keys, found {documented.Count}");

        // The sample as serve loads it, and the keys its comments name with a reason to leave them out.
        var configuration = ServeCommand.Configuration(ServeCommand.Parse(["--config", SampleConfiguration, "--data", _data.Path]));
        var set = Microsoft.Extensions.Configuration.ConfigurationExtensions.AsEnumerable(configuration).Select(pair => pair.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var leftOut = File.ReadLines(SampleConfiguration)
            .Select(line => LeftOutKey().Match(line))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["reason"].Value.Trim(), StringComparer.Ordinal);

        bool Present(string key) => key.EndsWith(":*", StringComparison.Ordinal)
            ? set.Any(k => k.StartsWith(key[..^1], StringComparison.OrdinalIgnoreCase))
            : set.Contains(key) || set.Any(k => k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase));

        var missing = documented.Where(key => !Present(key) && !(leftOut.TryGetValue(key, out var reason) && reason.Length > 0)).ToList();
        Assert.True(missing.Count == 0, "dist/parley.json neither sets nor explains: " + string.Join(", ", missing));
        Assert.True(leftOut.Keys.All(documented.Contains), "dist/parley.json explains keys the page does not document: " + string.Join(", ", leftOut.Keys.Except(documented)));
    }

    [Fact]
    public async Task Systemd_verifies_the_unit()
    {
        // Verified as installed, with ExecStart pointing at the parley binary built next to this test.
        var folder = Directory.CreateDirectory(Path.GetDirectoryName(_data.Path)!).FullName;
        var unit = Path.Combine(folder, "parley.service");
        var apphost = Path.Combine(AppContext.BaseDirectory, "parley");
        await File.WriteAllTextAsync(unit, (await File.ReadAllTextAsync(Unit)).Replace("/opt/parley/parley ", apphost + " ", StringComparison.Ordinal));
        var verify = new ProcessStartInfo("systemd-analyze", ["verify", unit]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(verify)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, errors);
        Assert.DoesNotContain("parley.service:", errors, StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\| `(?<key>[A-Za-z][A-Za-z0-9:<>*]*)` \|")]
    private static partial System.Text.RegularExpressions.Regex DocumentedKey();

    [System.Text.RegularExpressions.GeneratedRegex(@"^// Not set here: `(?<key>[^`]+)`: (?<reason>.*)$")]
    private static partial System.Text.RegularExpressions.Regex LeftOutKey();

    /// <summary>The settings of one [Section] of the unit (systemd.syntax(7): Key=Value lines, # comments).</summary>
    private static Dictionary<string, string> Section(string name)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var raw in File.ReadLines(Unit))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                current = line[1..^1];
            }
            else if (current == name)
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                settings[line[..equals]] = line[(equals + 1)..];
            }
        }

        return settings;
    }
}
