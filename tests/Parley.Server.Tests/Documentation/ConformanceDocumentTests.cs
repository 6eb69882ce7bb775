using System.Text.RegularExpressions;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Documentation;

/// <summary>
/// docs/conformance.md names the test that proves each feature; a renamed or deleted test must
/// not leave the page pointing at nothing.
/// </summary>
public sealed partial class ConformanceDocumentTests
{
    [GeneratedRegex(@"`(?<class>[A-Z][A-Za-z0-9]*Tests)\.(?<method>[A-Za-z0-9_]+)`")]
    private static partial Regex TestReference();

    [GeneratedRegex(@"\b(?:class|record)\s+(?<class>[A-Z][A-Za-z0-9]*Tests)\b")]
    private static partial Regex TestClass();

    [Fact]
    public void Every_test_the_page_names_exists()
    {
        var root = Repository.Root;
        var page = File.ReadAllText(Path.Combine(root, "docs", "conformance.md"));
        var sources = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var methodsByClass = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (Match m in TestClass().Matches(source))
            {
                methodsByClass[m.Groups["class"].Value] = methodsByClass.GetValueOrDefault(m.Groups["class"].Value, "") + source;
            }
        }

        var references = TestReference().Matches(page).Select(m => (Class: m.Groups["class"].Value, Method: m.Groups["method"].Value)).Distinct().ToList();
        Assert.True(references.Count > 50, $"expected the page to name many tests, found {references.Count}");
        var missing = references
            .Where(r => !methodsByClass.TryGetValue(r.Class, out var source) || !Regex.IsMatch(source, $@"\s{Regex.Escape(r.Method)}\("))
            .Select(r => $"{r.Class}.{r.Method}")
            .ToList();
        Assert.True(missing.Count == 0, "docs/conformance.md names tests that do not exist: " + string.Join(", ", missing));
    }

}
