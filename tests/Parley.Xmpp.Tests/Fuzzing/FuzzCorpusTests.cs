using Parley.Fuzz;

namespace Parley.Xmpp.Tests.Fuzzing;

/// <summary>
/// Every committed seed (fuzz/corpus/TARGET) and every past finding (fuzz/regressions/TARGET) run
/// through the fuzzing targets in-process, deterministically and without AFL: a finding that
/// comes back fails here, with the input's name, on every build (docs/fuzzing.md).
/// </summary>
public sealed class FuzzCorpusTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "corpus", "regressions" })
        {
            foreach (var target in FuzzTargets.Names)
            {
                var directory = Path.Combine(Root, "fuzz", kind, target);
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(directory).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                {
                    data.Add(target, Path.GetRelativePath(Root, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Input_runs_without_a_finding(string target, string path)
    {
        var run = FuzzTargets.Find(target);
        Assert.NotNull(run);

        var input = File.ReadAllBytes(Path.Combine(Root, path));
        var exception = Record.Exception(() => run(input));

        Assert.Null(exception);
    }

    [Fact]
    public void Every_target_has_a_seed_corpus()
    {
        foreach (var target in FuzzTargets.Names)
        {
            Assert.True(Directory.EnumerateFiles(Path.Combine(Root, "fuzz", "corpus", target)).Count() >= 10, target);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Parley.slnx not found above {AppContext.BaseDirectory}");
    }
}
