namespace Parley.Server.Hosting;

/// <summary>XEP-0280 message carbons (keys Carbons:*); listed in docs/configuration.md.</summary>
public sealed class CarbonsOptions
{
    /// <summary>Offer carbons; each resource still enables them for itself (XEP-0280 §4). Default true.</summary>
    public bool Enabled { get; set; } = true;
}
