using System.Diagnostics;

namespace Parley.Server.Tests.Storage;

/// <summary>
/// A few megabytes of tmpfs mounted on a temporary folder, so a test can fill a real file system
/// without touching the machine's disks; unmounted and deleted on dispose. Needs root with
/// CAP_SYS_ADMIN; <see cref="TryMount"/> returns null where mounting is not permitted.
/// </summary>
internal sealed class SmallTmpfs : IDisposable
{
    private SmallTmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why mounting is impossible here, or null when it works (probed once per test run).</summary>
    public static string? Unavailable { get; } = Probe();

    public static SmallTmpfs? TryMount(int megabytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "parley-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        if (Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", path) != 0)
        {
            Directory.Delete(path);
            return null;
        }

        return new SmallTmpfs(path);
    }

    /// <summary>Writes a file until the file system reports it is full (ENOSPC).</summary>
    public void Fill(string file)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the file system is full, which is the point.
        }

        // Whatever a smaller write can still take, take too, so SQLite cannot grow its WAL by a page.
        for (var size = block.Length / 2; size > 0; size /= 2)
        {
            try
            {
                stream.Write(block.AsSpan(0, size));
            }
            catch (IOException)
            {
                // Full at this size as well.
            }
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Run("umount", "-l", Path) == 0)
        {
            Directory.Delete(Path);
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs mounts need Linux";
        }

        try
        {
            using var probe = TryMount(megabytes: 1);
            return probe is null ? "mounting a tmpfs is not permitted here (needs root with CAP_SYS_ADMIN)" : null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "mount(8) is not available: " + e.Message;
        }
    }

    private static int Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
