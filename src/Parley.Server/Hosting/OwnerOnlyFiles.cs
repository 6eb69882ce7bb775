namespace Parley.Server.Hosting;

/// <summary>
/// Creates the data folder (mode 0700) and files in it (mode 0600) on Unix, because they hold
/// password verifiers and private keys; the umask would otherwise decide. Windows keeps its
/// inherited ACLs.
/// </summary>
internal static class OwnerOnlyFiles
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder (and missing parents) readable by the owner only; an existing folder is left alone.</summary>
    public static void CreateFolder(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, FolderMode);
        }
    }

    /// <summary>Opens a file for writing, creating it owner-only, or truncating it when it exists.</summary>
    public static FileStream Create(string path, bool overwrite)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            CreateFolder(folder);
        }

        var options = new FileStreamOptions
        {
            Mode = overwrite ? System.IO.FileMode.Create : System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Applies only when the file is created; an overwritten file keeps its mode, so set it too.
            options.UnixCreateMode = FileMode;
        }

        var stream = new FileStream(path, options);
        if (overwrite && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stream.SafeFileHandle, FileMode);
        }

        return stream;
    }
}
