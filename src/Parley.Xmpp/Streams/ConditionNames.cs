using System.Collections.Frozen;

namespace Parley.Xmpp.Streams;

/// <summary>
/// Maps the PascalCase enum members of the RFC 6120 error vocabularies to their element names
/// ("NotWellFormed" ↔ "not-well-formed"), once per enum, so no name is built per error.
/// </summary>
public static class ConditionNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> ToName =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => Kebab(v.ToString()));

    private static readonly FrozenDictionary<string, TEnum> FromName =
        ToName.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    public static string Name(TEnum value) => ToName[value];

    public static bool TryParse(string name, out TEnum value) => FromName.TryGetValue(name, out value);

    private static string Kebab(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    sb.Append('-');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
