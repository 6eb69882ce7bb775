using System.Text;
using Parley.Xmpp.Addressing;

namespace Parley.Fuzz;

/// <summary>
/// JID parsing and PRECIS preparation (RFC 7622): the input, decoded as UTF-8, is parsed whole
/// and, split at NUL characters, created from parts. Refusal (false, FormatException from Create)
/// is expected; what must hold for every accepted JID is that its prepared string form parses
/// back to an equal JID with the same string form (preparation is idempotent, RFC 7622 §3.1), so
/// that an address the server stored or routed by names the same entity when it is read again.
/// </summary>
internal static class JidTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (Jid.TryParse(text, out var parsed))
        {
            CheckStable(parsed, text);
            if (!Jid.Parse(text).Equals(parsed))
            {
                throw new InvariantViolationException("Parse and TryParse disagree on " + Show(text));
            }
        }
        else
        {
            RequireFormatException(() => Jid.Parse(text), "Parse", text);
        }

        var parts = text.Split('\0');
        var (local, domain, resource) = parts.Length switch
        {
            1 => (null, parts[0], null),
            2 => (parts[0], parts[1], null),
            _ => (parts[0], parts[1], string.Join('\0', parts[2..])),
        };

        if (Jid.TryCreate(local, domain, resource, out var created))
        {
            CheckStable(created, text);
            if (created.WithResource(null) != created.Bare || (created.Resource is { } r && created.Bare.WithResource(r) != created))
            {
                throw new InvariantViolationException("WithResource does not rebuild the JID " + Show(created.ToString()));
            }
        }
        else
        {
            RequireFormatException(() => Jid.Create(local, domain, resource), "Create", text);
        }
    }

    private static void CheckStable(Jid jid, string input)
    {
        var text = jid.ToString();
        if (!Jid.TryParse(text, out var again))
        {
            throw new InvariantViolationException($"the prepared JID {Show(text)} (from {Show(input)}) does not parse");
        }

        if (!again.Equals(jid) || again.GetHashCode() != jid.GetHashCode() || again.ToString() != text)
        {
            throw new InvariantViolationException($"the prepared JID {Show(text)} (from {Show(input)}) parses to {Show(again.ToString())}");
        }

        if (!Jid.TryCreate(jid.Local, jid.Domain, jid.Resource, out var rebuilt) || rebuilt != jid)
        {
            throw new InvariantViolationException($"the parts of {Show(text)} do not create the same JID");
        }

        if (jid.Bare.Resource is not null || jid.Bare.Local != jid.Local || jid.Bare.Domain != jid.Domain)
        {
            throw new InvariantViolationException("Bare of " + Show(text) + " is wrong");
        }
    }

    /// <summary>Where the Try form refuses, the throwing form must throw FormatException; any other exception escapes as a crash.</summary>
    private static void RequireFormatException(Func<Jid> action, string name, string input)
    {
        try
        {
            _ = action();
        }
        catch (FormatException)
        {
            return;
        }

        throw new InvariantViolationException($"{name} accepts {Show(input)}, which its Try form refuses");
    }

    /// <summary>The string with every non-printable-ASCII character as \uXXXX, for a readable report.</summary>
    private static string Show(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return sb.Append('"').ToString();
    }
}
