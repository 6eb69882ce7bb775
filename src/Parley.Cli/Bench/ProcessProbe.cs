using System.Diagnostics;
using System.Globalization;

namespace Parley.Cli.Bench;

/// <summary>
/// CPU time and resident memory of a process from Linux's /proc (proc(5)): /proc/PID/stat for
/// utime and stime, /proc/PID/status for VmRSS. Used for the server under load, so the generator
/// does not need to run inside it.
/// </summary>
internal static class ProcessProbe
{
    /// <summary>USER_HZ: /proc reports CPU times in these ticks per second, 100 on every Linux ABI.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU time of a process, or null when it cannot be read.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name is in parentheses and may hold spaces: fields are counted after it.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Resident set size in KiB, or null when it cannot be read.</summary>
    public static long? ResidentKib(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }

        return null;
    }

    public static TimeSpan OwnCpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
