namespace Parley.Server.Http.Bosh;

/// <summary>
/// What the server granted one session in its creation response (XEP-0124 §7.1): the client's
/// 'wait' and 'hold' capped by Http:Bosh:*, 'requests' one more than 'hold', and the fixed limits.
/// </summary>
internal sealed record BoshGrant(
    string Domain,
    int WaitSeconds,
    int Hold,
    int InactivitySeconds,
    int PollingSeconds,
    int MaxPauseSeconds,
    string Version,
    string ContentType,
    int MaxPendingBytes)
{
    /// <summary>XEP-0124 §7.1: the RECOMMENDED 'requests', one more than 'hold' (two when polling).</summary>
    public int Requests => Math.Max(Hold + 1, 2);
}
