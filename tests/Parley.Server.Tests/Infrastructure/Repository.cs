namespace Parley.Server.Tests.Infrastructure;

/// <summary>The repository the tests run from, for tests that read its documents (docs/*.md, dist/).</summary>
internal static class Repository
{
    /// <summary>The folder holding Parley.slnx, above the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Parley.slnx not found above " + AppContext.BaseDirectory);
    }
}
