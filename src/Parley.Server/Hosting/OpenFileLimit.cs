using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

/// <summary>
/// Every connection holds one file descriptor, and the usual soft limit (1024) stops a server
/// long before its memory does. At start the soft RLIMIT_NOFILE is raised to the hard limit,
/// which an unprivileged process may always do (POSIX setrlimit), and the limit the server runs
/// with is logged, so an operator sees how many connections it allows and what to raise.
/// CoreCLR's own start-up (the PAL's INIT_IncreaseDescriptorLimit) usually raised it already;
/// this does not rely on that. Linux only: elsewhere the limit is left as it is.
/// </summary>
internal sealed partial class OpenFileLimit(ILogger<OpenFileLimit> logger) : IHostedService
{
    /// <summary>RLIMIT_NOFILE in Linux's &lt;sys/resource.h&gt; (asm-generic/resource.h) on every architecture .NET runs on.</summary>
    private const int NoFile = 7;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Task.CompletedTask;
        }

        var outcome = Raise();
        if (outcome.Error is { } errno)
        {
            LimitNotRaised(logger, outcome.Before, outcome.Hard, Marshal.GetPInvokeErrorMessage(errno));
        }
        else if (outcome.After > outcome.Before)
        {
            LimitRaised(logger, outcome.Before, outcome.After);
        }
        else
        {
            LimitAtHard(logger, outcome.After);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Raises the soft limit to the hard one. <see cref="Outcome.Error"/> is the errno when a call failed.</summary>
    internal static Outcome Raise()
    {
        if (GetRLimit(NoFile, out var limit) != 0)
        {
            return new Outcome(0, 0, 0, Marshal.GetLastPInvokeError());
        }

        if (limit.Current >= limit.Maximum)
        {
            return new Outcome(limit.Current, limit.Current, limit.Maximum, null);
        }

        var raised = limit with { Current = limit.Maximum };
        return SetRLimit(NoFile, in raised) == 0
            ? new Outcome(limit.Current, raised.Current, limit.Maximum, null)
            : new Outcome(limit.Current, limit.Current, limit.Maximum, Marshal.GetLastPInvokeError());
    }

    /// <summary>The current soft and hard limits (for tests and diagnostics); null when the call failed.</summary>
    internal static (ulong Soft, ulong Hard)? Read() =>
        GetRLimit(NoFile, out var limit) == 0 ? (limit.Current, limit.Maximum) : null;

    /// <summary>Sets the soft limit (tests lower it to see it raised again; the hard limit is kept).</summary>
    internal static bool SetSoft(ulong soft) =>
        GetRLimit(NoFile, out var limit) == 0 && SetRLimit(NoFile, limit with { Current = soft }) == 0;

    internal readonly record struct Outcome(ulong Before, ulong After, ulong Hard, int? Error);

    /// <summary>struct rlimit: two rlim_t, which is an unsigned 64-bit integer on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);

    // DllImport rather than LibraryImport: a blittable struct needs no marshalling code, and the
    // generated code would need unsafe blocks, which this project does not allow.
    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetRLimit(int resource, in RLimit limit);

    [LoggerMessage(EventId = 698, Level = LogLevel.Information, Message = "Raised the open file limit from {Before} to {After} (the hard limit): each connection uses one")]
    private static partial void LimitRaised(ILogger logger, ulong before, ulong after);

    [LoggerMessage(EventId = 699, Level = LogLevel.Information, Message = "The open file limit is {Limit}, already the hard limit: each connection uses one; raise the hard limit (ulimit -Hn, systemd LimitNOFILE=) for more")]
    private static partial void LimitAtHard(ILogger logger, ulong limit);

    [LoggerMessage(EventId = 697, Level = LogLevel.Warning, Message = "Could not raise the open file limit {Before} to the hard limit {Hard} ({Error}): the server accepts fewer connections than it could")]
    private static partial void LimitNotRaised(ILogger logger, ulong before, ulong hard, string error);
}
