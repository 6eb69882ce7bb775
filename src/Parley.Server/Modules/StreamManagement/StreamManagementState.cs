using Parley.Server.Sessions;

namespace Parley.Server.Modules.StreamManagement;

/// <summary>
/// What stream management keeps per session (<see cref="ClientSession.Features"/>), once enabled: its id,
/// how long it may be resumed (0: not resumable), and where the count of the client's stanzas started.
/// </summary>
internal sealed class StreamManagementState(string id, int resumptionSeconds, uint receivedBefore)
{
    public string Id { get; } = id;

    public int ResumptionSeconds { get; } = resumptionSeconds;

    /// <summary>XEP-0198 §4: stanzas from the client handled since &lt;enable/&gt;, modulo 2^32.</summary>
    public uint Handled(ClientSession session) => session.Received - receivedBefore;
}
