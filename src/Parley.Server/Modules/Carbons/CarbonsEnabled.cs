namespace Parley.Server.Modules.Carbons;

/// <summary>The per-session mark (<see cref="Sessions.SessionFeatures"/>) of a resource that enabled carbons; it goes with the session.</summary>
internal sealed class CarbonsEnabled
{
    public static readonly CarbonsEnabled Instance = new();

    private CarbonsEnabled()
    {
    }
}
