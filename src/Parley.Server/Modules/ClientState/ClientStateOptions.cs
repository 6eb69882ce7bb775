namespace Parley.Server.Modules.ClientState;

/// <summary>XEP-0352 client state indication (keys Modules:Csi:*); listed in docs/configuration.md.</summary>
public sealed class ClientStateOptions : ModuleOptions
{
    /// <summary>
    /// Stanzas held for one inactive client; when one more would be held, everything held is sent at
    /// once (nothing is dropped) and holding starts again. Default 100.
    /// </summary>
    public int MaxHeld { get; set; } = 100;
}
