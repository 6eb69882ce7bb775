namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Locates files of the checkout the tests were built from.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    /// <summary>The Python and Node interop scripts, with node_modules installed by scripts/install-test-deps.sh.</summary>
    public static string InteropScripts => Path.Combine(Root, "tests", "Parley.Interop.Tests", "interop");

    /// <summary>Debian's interpreter: slixmpp comes from python3-slixmpp, which a pyenv python3 on PATH cannot import.</summary>
    public const string Python = "/usr/bin/python3";

    public const string Node = "node";

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
