using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Parley.Server.Hosting;

/// <summary>
/// Composes the configuration by the .NET convention, later sources winning: the JSON file given
/// with --config, then PARLEY_* environment variables (PARLEY_C2sPort,
/// PARLEY_Limits__MaxStanzaBytes), then command-line overrides. Keys are at the root
/// (C2sPort, Domains:0, Limits:MaxStanzaBytes), as <see cref="ParleyOptions"/> binds them.
/// </summary>
public static class ParleyConfiguration
{
    public const string EnvironmentPrefix = "PARLEY_";

    /// <param name="configFile">A JSON file that must exist, or null for none.</param>
    /// <param name="overrides">Keys set on the command line. A list given here (Domains:0, Domains:1...)
    /// replaces the whole list of the file or environment instead of overlaying its first entries.</param>
    public static IConfigurationRoot Build(string? configFile, IReadOnlyDictionary<string, string?> overrides) =>
        Build(configFile, overrides, EnvironmentPrefix);

    /// <summary>As <see cref="Build(string?, IReadOnlyDictionary{string, string?})"/> with another prefix, so tests don't share process-wide variables.</summary>
    internal static IConfigurationRoot Build(string? configFile, IReadOnlyDictionary<string, string?> overrides, string environmentPrefix)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(environmentPrefix);
        var lower = builder.Build();
        builder.AddInMemoryCollection(ReplaceLists(lower, overrides));
        return builder.Build();
    }

    /// <summary>
    /// Configuration merges lists index by index, so "--domain a" over a file listing [x, y] would
    /// give [a, y]. Blanking the lower sources' extra entries (dropped by <see cref="ParleyOptionsSetup"/>)
    /// makes the command line's list the whole list.
    /// </summary>
    private static Dictionary<string, string?> ReplaceLists(IConfiguration lower, IReadOnlyDictionary<string, string?> overrides)
    {
        var merged = new Dictionary<string, string?>(overrides, StringComparer.OrdinalIgnoreCase);
        var lists = overrides.Keys
            .Select(key => (Key: key, Separator: key.LastIndexOf(':')))
            .Where(k => k.Separator > 0 && int.TryParse(k.Key.AsSpan(k.Separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .GroupBy(k => k.Key[..k.Separator], StringComparer.OrdinalIgnoreCase);
        foreach (var list in lists)
        {
            foreach (var entry in lower.GetSection(list.Key).GetChildren())
            {
                var key = list.Key + ":" + entry.Key;
                merged.TryAdd(key, "");
            }
        }

        return merged;
    }
}
