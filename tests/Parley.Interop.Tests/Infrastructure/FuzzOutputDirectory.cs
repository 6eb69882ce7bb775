namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// One scratch directory for the bounded fuzzing runs of a test class, so that the Release build
/// scripts/fuzz.sh makes for the first target is reused by the others; deleted afterwards.
/// </summary>
public sealed class FuzzOutputDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("parley-fuzz-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
