using System.Globalization;

namespace Parley.Soak;

/// <summary>What the kernel says about the server process: resident memory, threads, open file descriptors.</summary>
internal readonly record struct ProcessSample(string Label, long RssKiB, int Threads, int OpenFds)
{
    /// <summary>Reads /proc/PID/status and counts /proc/PID/fd (Linux only; root or the same user).</summary>
    public static ProcessSample Take(string label, int pid)
    {
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return new ProcessSample(label, rss, threads, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Label,-10} rss={RssKiB / 1024.0,7:F1} MiB  threads={Threads,4}  fds={OpenFds,5}");
}
