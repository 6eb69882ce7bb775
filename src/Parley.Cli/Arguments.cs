namespace Parley.Cli;

/// <summary>
/// A command's arguments split into positionals and --options, checked against the options the
/// command accepts. Accepts "--name value", "--name=value" and "--" to end options.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    private Arguments(List<string> positionals) => Positionals = positionals;

    public IReadOnlyList<string> Positionals { get; }

    /// <param name="accepted">Option names with their leading dashes, e.g. "--data".</param>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, OptionKind> accepted)
    {
        var positionals = new List<string>();
        var parsed = new Arguments(positionals);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith('-') || arg == "-")
            {
                positionals.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            if (name == "-h")
            {
                name = "--help";
            }

            if (!accepted.TryGetValue(name, out var kind))
            {
                throw new UsageException($"unknown option '{name}'");
            }

            string value;
            if (kind == OptionKind.Flag)
            {
                if (equals >= 0)
                {
                    throw new UsageException($"option '{name}' takes no value");
                }

                value = "";
            }
            else if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option '{name}' needs a value");
            }

            if (!parsed._options.TryGetValue(name, out var values))
            {
                parsed._options[name] = values = [];
            }
            else if (kind != OptionKind.List)
            {
                throw new UsageException($"option '{name}' is given more than once");
            }

            values.Add(value);
        }

        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Value(string name) => _options.TryGetValue(name, out var values) ? values[0] : null;

    public IReadOnlyList<string> Values(string name) => _options.TryGetValue(name, out var values) ? values : [];

    /// <summary>A port-like integer option, or null when absent.</summary>
    public int? Integer(string name)
    {
        var value = Value(name);
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new UsageException($"option '{name}' needs a number, not '{value}'");
    }

    /// <summary>Between <paramref name="min"/> and <paramref name="max"/> positionals, or a usage error naming what is missing.</summary>
    public void ExpectPositionals(int min, int max, string what)
    {
        if (Positionals.Count < min)
        {
            throw new UsageException($"missing {what}");
        }

        if (Positionals.Count > max)
        {
            throw new UsageException($"unexpected argument '{Positionals[max]}'");
        }
    }
}
