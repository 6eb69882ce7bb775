namespace Parley.Cli;

internal enum OptionKind
{
    /// <summary>Present or not: --allow-plaintext-auth.</summary>
    Flag,

    /// <summary>Takes one value, given at most once: --data DIR.</summary>
    Value,

    /// <summary>Takes a value and may repeat: --domain A --domain B.</summary>
    List,
}
