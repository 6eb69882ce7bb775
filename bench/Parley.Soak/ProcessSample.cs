using System.Globalization;

namespace Parley.Soak;

/// <summary>What the kernel says about the server process: resident memory, threads, open file descriptors.</summary>
internal readonly record struct ProcessSample(string Label, long RssKiB, int Threads, int OpenFds, int Sockets, int DatabaseFiles)
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

        // What each descriptor points at: sockets are connections and listeners; database files are pooled SQLite connections.
        var sockets = 0;
        var database = 0;
        var fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd");
        foreach (var fd in fds)
        {
            var target = new FileInfo(fd).LinkTarget ?? "";
            sockets += target.StartsWith("socket:", StringComparison.Ordinal) ? 1 : 0;
            database += target.Contains("parley.db", StringComparison.Ordinal) ? 1 : 0;
        }

        return new ProcessSample(label, rss, threads, fds.Length, sockets, database);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Label,-10} rss={RssKiB / 1024.0,7:F1} MiB  threads={Threads,4}  fds={OpenFds,5} (sockets={Sockets,4}, database files={DatabaseFiles,4})");
}
