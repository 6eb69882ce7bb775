namespace Parley.Server.Tests.Infrastructure;

/// <summary>Tests that change limits of the whole test process, or use a large share of them (open files): run after the others, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessLimitsCollection
{
    public const string Name = "Process limits";
}
