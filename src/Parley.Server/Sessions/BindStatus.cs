namespace Parley.Server.Sessions;

internal enum BindStatus
{
    Bound,

    /// <summary>The full JID was in use: the old session was removed and must be closed with &lt;conflict/&gt;.</summary>
    Replaced,

    /// <summary>The account already has the maximum number of resources.</summary>
    TooManyResources,
}
