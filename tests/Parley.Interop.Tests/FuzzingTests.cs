using System.Globalization;
using System.Text.RegularExpressions;
using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// The bounded CI fuzzing run (docs/fuzzing.md): scripts/fuzz.sh instruments Parley.Xmpp with
/// SharpFuzz and runs AFL++ on each target for 20 seconds, seeded with the committed corpus and
/// every past finding. It fails on any crash or confirmed hang, printing the input's path.
/// </summary>
public sealed partial class FuzzingTests(FuzzOutputDirectory output) : IClassFixture<FuzzOutputDirectory>
{
    private const int Seconds = 20;

    [Theory]
    [InlineData("xml")]
    [InlineData("jid")]
    [InlineData("sasl")]
    public async Task Bounded_afl_run_finds_nothing(string target)
    {
        // Niced, so that the interop tests running beside it keep their timing.
        await using var fuzz = ChildProcess.Start(
            "nice",
            ["-n", "10", "bash", Path.Combine(RepositoryPaths.Root, "scripts", "fuzz.sh"), target, Seconds.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["PARLEY_FUZZ_DIR"] = output.Path });

        var code = await fuzz.WaitForExitAsync(TimeSpan.FromMinutes(10));

        Assert.True(code == 0, $"scripts/fuzz.sh {target} exited with {code}:\n{fuzz.Output}");

        // It really fuzzed: afl-fuzz ran inputs through the instrumented target and saw coverage.
        var stats = Summary().Match(fuzz.Output);
        Assert.True(stats.Success, fuzz.Output);
        Assert.True(long.Parse(stats.Groups["execs"].Value, CultureInfo.InvariantCulture) > 0, fuzz.Output);
        Assert.True(int.Parse(stats.Groups["edges"].Value, CultureInfo.InvariantCulture) > 0, fuzz.Output);
    }

    [GeneratedRegex(@"fuzz: \w+: (?<execs>\d+) executions .* edges found (?<edges>\d+)")]
    private static partial Regex Summary();
}
