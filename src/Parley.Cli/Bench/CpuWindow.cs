using System.Diagnostics;

namespace Parley.Cli.Bench;

/// <summary>
/// The CPU the generator and the server used over a measured interval, in cores (1.0 = one core
/// busy the whole time), so a result shows whether the generator, not the server, was the limit.
/// </summary>
internal sealed class CpuWindow
{
    private readonly int? _serverPid;
    private readonly long _started;
    private readonly TimeSpan _ownAtStart;
    private readonly TimeSpan? _serverAtStart;

    public CpuWindow(int? serverPid)
    {
        _serverPid = serverPid;
        _started = Stopwatch.GetTimestamp();
        _ownAtStart = ProcessProbe.OwnCpuTime();
        _serverAtStart = serverPid is { } pid ? ProcessProbe.CpuTime(pid) : null;
    }

    /// <summary>Wall seconds, generator cores and server cores (null without a server process) since construction.</summary>
    public (double Seconds, double Generator, double? Server) Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var own = (ProcessProbe.OwnCpuTime() - _ownAtStart).TotalSeconds / seconds;
        double? server = _serverPid is { } pid && _serverAtStart is { } before && ProcessProbe.CpuTime(pid) is { } after
            ? (after - before).TotalSeconds / seconds
            : null;
        return (seconds, own, server);
    }
}
