namespace Parley.Server.Modules;

/// <summary>What a message or presence handler did: stop the chain, or let the next handler see the stanza.</summary>
internal enum Handling
{
    Continue,
    Done,
}
