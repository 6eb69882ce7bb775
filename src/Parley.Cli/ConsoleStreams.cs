namespace Parley.Cli;

/// <summary>Where a command reads and writes: the process console, or test doubles.</summary>
internal sealed record ConsoleStreams(TextWriter Out, TextWriter Error, TextReader In)
{
    /// <summary>Whether input is a terminal a person types at, so a password must not echo.</summary>
    public bool InputIsTerminal => ReferenceEquals(In, Console.In) && !Console.IsInputRedirected;
}
