namespace Parley.Cli;

/// <summary>The command line itself is wrong (exit code 2); the message says how.</summary>
internal sealed class UsageException(string message) : Exception(message);
