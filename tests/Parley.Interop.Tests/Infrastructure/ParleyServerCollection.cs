namespace Parley.Interop.Tests.Infrastructure;

/// <summary>All tests that need the server share one process (starting it costs seconds on CI).</summary>
[CollectionDefinition(Name)]
public sealed class ParleyServerCollection : ICollectionFixture<ParleyServer>
{
    public const string Name = "Parley server";
}
