using Parley.Fuzz;
using Parley.Xmpp.Sasl;

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

    /// <summary>
    /// The SASL target's one account is set up so that the seeds holding the RFC 5802 / RFC 7677
    /// exchanges (and the same with tls-server-end-point binding) and a right PLAIN password succeed: the success path is in the corpus, and the
    /// fuzzer mutates from there, while the near misses fail.
    /// </summary>
    [Theory]
    [InlineData("scram-sha1-vector.txt", SaslStepKind.Success)]
    [InlineData("scram-sha256-vector.txt", SaslStepKind.Success)]
    [InlineData("scram-sha1-plus.txt", SaslStepKind.Success)]
    [InlineData("scram-sha256-plus.txt", SaslStepKind.Success)]
    [InlineData("plain.txt", SaslStepKind.Success)]
    [InlineData("plain-authzid.txt", SaslStepKind.Success)]
    [InlineData("scram-sha256-unknown-user.txt", SaslStepKind.Failure)]
    [InlineData("plain-other-authzid.txt", SaslStepKind.Failure)]
    [InlineData("scram-sha256-empty-first.txt", SaslStepKind.Failure)]
    public void Sasl_seeds_end_as_expected(string seed, SaslStepKind outcome) =>
        Assert.Equal(outcome, SaslTarget.Exchange(File.ReadAllBytes(Path.Combine(Root, "fuzz", "corpus", "sasl", seed))));

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
