namespace Parley.Cli.Bench;

/// <summary>An element found in received bytes: its name, its whole text and the text between its tags.</summary>
internal sealed record FoundElement(string Name, string Text, string Content);
