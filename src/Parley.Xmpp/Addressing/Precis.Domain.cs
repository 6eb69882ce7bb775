using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parley.Xmpp.Addressing;

/// <summary>The domainpart of RFC 7622 §3.2: IP literals, LDH names and IDNA.</summary>
public static partial class Precis
{
    /// <summary>RFC 1035 §2.3.4 / RFC 5890: a DNS label is at most 63 octets.</summary>
    private const int MaxLabelBytes = 63;

    private static readonly SearchValues<char> PreparedDomain = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-.");

    /// <summary>
    /// A domainpart (RFC 7622 §3.2): one trailing dot removed, IP literals kept, everything else
    /// through IDNA2008/UTS #46 with STD3 rules and returned as a lowercase U-label name.
    /// </summary>
    public static bool TryPrepareDomain(string? value, [NotNullWhen(true)] out string? prepared)
    {
        prepared = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        // RFC 7622 §3.2: a single trailing dot is stripped before any other processing.
        var name = value[^1] == '.' ? value[..^1] : value;
        if (name.Length == 0)
        {
            return false;
        }

        if (IsPreparedAsciiDomain(name))
        {
            prepared = name;
            return true;
        }

        if (name[0] == '[')
        {
            // RFC 7622 §3.2: an IPv6 address in brackets (RFC 3986 IP-literal) is kept, with its
            // hex digits lowercased so that equal addresses compare equal as text.
            if (name[^1] == ']' && IPAddress.TryParse(name.AsSpan(1, name.Length - 2), out var address)
                && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                prepared = name.ToLowerInvariant();
                return true;
            }

            return false;
        }

        if (!name.AsSpan().ContainsAnyExcept(AsciiDomainCase))
        {
            var lower = name.ToLowerInvariant();
            if (IsPreparedAsciiDomain(lower))
            {
                prepared = lower;
                return true;
            }
        }

        return TryIdna(name, out prepared);
    }

    private static readonly SearchValues<char> AsciiDomainCase =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.");

    /// <summary>
    /// An LDH name that IDNA would return unchanged: lowercase, labels of 1..63 characters that
    /// neither start nor end with a hyphen and carry no hyphens in positions 3–4 (which would make
    /// them A-labels or reserved). Dotted IPv4 addresses pass as well, which RFC 7622 §3.2 keeps.
    /// </summary>
    internal static bool IsPreparedAsciiDomain(ReadOnlySpan<char> name)
    {
        if (name.Length > MaxPartBytes || name.ContainsAnyExcept(PreparedDomain))
        {
            return false;
        }

        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.Length is 0 or > MaxLabelBytes || label[0] == '-' || label[^1] == '-'
                || (label.Length >= 4 && label[2] == '-' && label[3] == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryIdna(string name, [NotNullWhen(true)] out string? prepared)
    {
        prepared = null;
        // One instance per call: IdnMapping's instance members are not documented as thread-safe,
        // and this path only runs for non-ASCII or A-label names.
        var idn = new IdnMapping { UseStd3AsciiRules = true, AllowUnassigned = false };
        string ascii;
        string unicode;
        try
        {
            ascii = idn.GetAscii(name);
            unicode = idn.GetUnicode(ascii).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        foreach (var range in ascii.AsSpan().Split('.'))
        {
            if (ascii.AsSpan()[range].Length is 0 or > MaxLabelBytes)
            {
                return false;
            }
        }

        if (Encoding.UTF8.GetByteCount(unicode) > MaxPartBytes)
        {
            return false;
        }

        prepared = unicode;
        return true;
    }
}
