using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Parley.Server.Modules;

namespace Parley.Server.Hosting;

/// <summary>
/// Refuses configuration keys nothing reads, so a misspelt key ("Domian") stops the start with
/// the nearest valid key named instead of silently leaving its default in force.
/// </summary>
/// <remarks>
/// The valid keys are not listed anywhere: they are derived from the public settable properties of
/// <see cref="ParleyOptions"/>, recursively (an options class is a section, a list takes indexes
/// 0, 1..., a dictionary any key). A key becomes valid by being a property of an options class
/// reachable from <see cref="ParleyOptions"/>, or of a module's options type (Modules:&lt;Name&gt;:*,
/// the modules listed in <see cref="ServerModules"/>); nothing else needs registering here. Only sections
/// read by something other than the options binder are named below.
/// </remarks>
internal sealed class ConfigurationKeys(IConfiguration configuration) : IValidateOptions<ParleyOptions>
{
    /// <summary>Sections read by libraries, not by <see cref="ParleyOptions"/>: Microsoft.Extensions.Logging's levels and console.</summary>
    private static readonly string[] ForeignSections = ["Logging"];

    public ValidateOptionsResult Validate(string? name, ParleyOptions options) =>
        FindUnknown(configuration) is { Count: > 0 } unknown ? ValidateOptionsResult.Fail(unknown) : ValidateOptionsResult.Success;

    /// <summary>One message per key that binds to nothing, naming the nearest valid key.</summary>
    public static IReadOnlyList<string> FindUnknown(IConfiguration configuration)
    {
        var unknown = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            // Sections show up as entries without a value; only leaves (and empty list blanks) are checked.
            if (value is null)
            {
                continue;
            }

            var segments = key.Split(ConfigurationPath.KeyDelimiter);
            if (ForeignSections.Contains(segments[0], StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var failure = string.Equals(segments[0], ModuleRegistration.Section, StringComparison.OrdinalIgnoreCase)
                ? CheckModule(segments, value.Length == 0)
                : Check(typeof(ParleyOptions), segments, 0, value.Length == 0);
            if (failure is not null)
            {
                unknown.Add(failure);
            }
        }

        unknown.Sort(StringComparer.Ordinal);
        return unknown;
    }

    /// <summary>Modules:&lt;Name&gt;:* binds to the options type of the module registered under that name (<see cref="ServerModules"/>).</summary>
    private static string? CheckModule(string[] segments, bool empty)
    {
        if (segments.Length < 3)
        {
            return $"'{string.Join(':', segments)}' is a section, not a value; set a module's keys (Modules:<Name>:Enabled...)";
        }

        var module = ServerModules.All.FirstOrDefault(m => string.Equals(m.Name, segments[1], StringComparison.OrdinalIgnoreCase));
        if (module is not null)
        {
            // An empty list of a module's ("AllowedContentTypes": []) is as good as a top-level one.
            return Check(module.OptionsType, segments, 2, empty);
        }

        var given = segments[1].ToLowerInvariant();
        var nearest = ServerModules.All.MinBy(m => Unlikeness(m.Name.ToLowerInvariant(), given))!;
        return $"unknown configuration key '{string.Join(':', segments)}': no module is named '{segments[1]}' (did you mean '{ModuleRegistration.SectionOf(nearest.Name)}'?)";
    }

    /// <summary>Null when <paramref name="segments"/> from <paramref name="index"/> bind to a value of <paramref name="type"/>; else the message.</summary>
    /// <param name="empty">The value is empty: what a JSON file's empty list or object (`"Bind": []`) reads as.</param>
    private static string? Check(Type type, string[] segments, int index, bool empty)
    {
        if (index == segments.Length)
        {
            // A value given to a section ("Limits": 5) binds to nothing; a scalar is complete here.
            return IsScalar(type) || empty ? null : $"'{Path(segments, index)}' is a section, not a value; set its keys ({string.Join(", ", Properties(type).Select(p => Path(segments, index) + ":" + p.Name).Take(3))}...)";
        }

        if (IsScalar(type))
        {
            return $"unknown configuration key '{string.Join(':', segments)}': '{Path(segments, index)}' takes a value, not sub-keys";
        }

        if (ElementOfList(type) is { } element)
        {
            return int.TryParse(segments[index], out var position) && position >= 0
                ? Check(element, segments, index + 1, empty)
                : $"unknown configuration key '{string.Join(':', segments)}': '{Path(segments, index)}' is a list, keyed 0, 1, 2...";
        }

        if (ValueOfDictionary(type) is { } value)
        {
            return Check(value, segments, index + 1, empty);
        }

        var property = Properties(type).FirstOrDefault(p => string.Equals(p.Name, segments[index], StringComparison.OrdinalIgnoreCase));
        if (property is not null)
        {
            return Check(property.PropertyType, segments, index + 1, empty);
        }

        var prefix = index == 0 ? "" : Path(segments, index) + ":";
        var given = segments[index].ToLowerInvariant();
        var nearest = Properties(type).MinBy(p => Unlikeness(p.Name.ToLowerInvariant(), given));
        return nearest is null
            ? $"unknown configuration key '{string.Join(':', segments)}'"
            : $"unknown configuration key '{string.Join(':', segments)}' (did you mean '{prefix}{nearest.Name}'?)";
    }

    private static string Path(string[] segments, int count) => string.Join(':', segments.Take(count));

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    /// <summary>What the configuration binder turns from one string: numbers, booleans, strings, enums, time spans...</summary>
    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);
    }

    private static Type? ElementOfList(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IList).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    private static Type? ValueOfDictionary(Type type) =>
        type.IsGenericType && typeof(IDictionary).IsAssignableFrom(type) ? type.GetGenericArguments()[1] : null;

    /// <summary>
    /// Edits per character of the longer name (so long names are not penalised for their length),
    /// halved when the given name is an abbreviation of the candidate ("CertPath" of "CertificatePath").
    /// </summary>
    private static double Unlikeness(string candidate, string given)
    {
        var score = Distance(candidate, given) / (double)Math.Max(candidate.Length, given.Length);
        return IsAbbreviation(given, candidate) ? score / 2 : score;
    }

    private static bool IsAbbreviation(string shorter, string longer)
    {
        if (shorter.Length == 0 || longer.Length == 0 || shorter[0] != longer[0])
        {
            return false;
        }

        var at = 0;
        foreach (var c in longer)
        {
            if (at < shorter.Length && shorter[at] == c)
            {
                at++;
            }
        }

        return at == shorter.Length;
    }

    /// <summary>Levenshtein distance: the fewest single-character edits from one name to the other.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
