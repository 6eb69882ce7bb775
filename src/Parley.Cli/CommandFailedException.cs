namespace Parley.Cli;

/// <summary>The command was understood but could not be done (exit code 1); the message says why.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);
