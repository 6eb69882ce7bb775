namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Federation tests run one class at a time: each starts Prosody, dnsmasq and Parley processes,
/// and the machine they run on has few cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FederationCollection
{
    public const string Name = "Federation";
}
