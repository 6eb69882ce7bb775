namespace Parley.Server.Tests.Storage;

/// <summary>A fact that needs <see cref="SmallTmpfs"/>: skipped, with the reason, where mounting is not permitted.</summary>
internal sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (SmallTmpfs.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
