using System.Globalization;

namespace Parley.Soak;

/// <summary>Command-line settings; every one has a default so `parley-soak --pid N` is enough.</summary>
internal sealed record SoakSettings
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 5222;

    public string Domain { get; init; } = "localhost";

    /// <summary>The server's process id, sampled through /proc.</summary>
    public int Pid { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Connections churning at once.</summary>
    public int Concurrency { get; init; } = 200;

    /// <summary>Accounts registered in-band at the start (XEP-0077) and logged into in turn.</summary>
    public int Users { get; init; } = 50;

    /// <summary>How far above the start the end may be before the run fails.</summary>
    public int FdMargin { get; init; } = 32;

    public int ThreadMargin { get; init; } = 16;

    public static SoakSettings Parse(string[] args)
    {
        var settings = new SoakSettings();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            settings = args[i] switch
            {
                "--host" => settings with { Host = value },
                "--port" => settings with { Port = Int(value) },
                "--domain" => settings with { Domain = value },
                "--pid" => settings with { Pid = Int(value) },
                "--duration" => settings with { Duration = TimeSpan.FromSeconds(Int(value)) },
                "--concurrency" => settings with { Concurrency = Int(value) },
                "--users" => settings with { Users = Int(value) },
                "--fd-margin" => settings with { FdMargin = Int(value) },
                "--thread-margin" => settings with { ThreadMargin = Int(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return settings.Pid > 0 ? settings : throw new ArgumentException("--pid of the server is required");
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
