using System.Globalization;
using Microsoft.Extensions.Configuration;
using Parley.Server.Hosting;

namespace Parley.Cli;

/// <summary>The options every command that reads the configuration shares, mapped to configuration keys.</summary>
internal static class ConfigurationArguments
{
    public const string Help = """
          --config FILE      JSON configuration file (keys as in docs/configuration.md)
          --data DIR         data folder (DataDirectory; default ./data)
          --domain NAME      a hosted domain (Domains; repeatable; default localhost)
          --storage-provider sqlite|postgresql
                             the database engine (Storage:Provider; default sqlite)
          --storage-connection STRING
                             its connection string (Storage:ConnectionString; default
                             DATA/parley.db for SQLite; required for PostgreSQL)
        """;

    public static readonly IReadOnlyDictionary<string, OptionKind> Options = new Dictionary<string, OptionKind>(StringComparer.Ordinal)
    {
        ["--help"] = OptionKind.Flag,
        ["--config"] = OptionKind.Value,
        ["--data"] = OptionKind.Value,
        ["--domain"] = OptionKind.List,
        ["--storage-provider"] = OptionKind.Value,
        ["--storage-connection"] = OptionKind.Value,
    };

    /// <summary>The shared options plus a command's own.</summary>
    public static Dictionary<string, OptionKind> With(params (string Name, OptionKind Kind)[] more)
    {
        var options = new Dictionary<string, OptionKind>(Options, StringComparer.Ordinal);
        foreach (var (name, kind) in more)
        {
            options.Add(name, kind);
        }

        return options;
    }

    /// <summary>The configuration: --config file, PARLEY_* environment, then these options and <paramref name="overrides"/>.</summary>
    public static IConfigurationRoot Build(Arguments arguments, Dictionary<string, string?> overrides)
    {
        if (arguments.Value("--data") is { } data)
        {
            overrides[nameof(ParleyOptions.DataDirectory)] = data;
        }

        if (arguments.Value("--storage-provider") is { } provider)
        {
            overrides["Storage:Provider"] = provider;
        }

        if (arguments.Value("--storage-connection") is { } connection)
        {
            overrides["Storage:ConnectionString"] = connection;
        }

        AddList(overrides, nameof(ParleyOptions.Domains), arguments.Values("--domain"));
        return ParleyConfiguration.Build(arguments.Value("--config"), overrides);
    }

    /// <summary>Adds Key:0, Key:1... for a repeatable option.</summary>
    public static void AddList(Dictionary<string, string?> overrides, string key, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            overrides[key + ":" + i.ToString(CultureInfo.InvariantCulture)] = values[i];
        }
    }
}
