namespace Parley.Cli.Bench;

/// <summary>A server answered a load step with something other than what the step needs.</summary>
internal sealed class BenchFailureException(string message) : Exception(message);
