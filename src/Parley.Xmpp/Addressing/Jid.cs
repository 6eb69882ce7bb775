using System.Diagnostics.CodeAnalysis;

namespace Parley.Xmpp.Addressing;

/// <summary>
/// An XMPP address (RFC 7622), always held in prepared form: localpart by the PRECIS
/// UsernameCaseMapped profile, domainpart as an IDNA U-label lowercase name, resourcepart by
/// OpaqueString. Two JIDs that prepare to the same parts are equal.
/// </summary>
public sealed class Jid : IEquatable<Jid>
{
    private readonly string? _local;
    private readonly string _domain;
    private readonly string? _resource;
    private string? _text;
    private Jid? _bare;

    // Computed once: a JID is a dictionary key on every routed stanza (sessions, blocklists, rosters),
    // and hashing its parts is most of a lookup's cost. 0 until first asked.
    private int _hash;

    private Jid(string? local, string domain, string? resource, string? text)
    {
        _local = local;
        _domain = domain;
        _resource = resource;
        _text = text;
    }

    public string? Local => _local;

    public string Domain => _domain;

    public string? Resource => _resource;

    public bool IsBare => Resource is null;

    /// <summary>The address without its resource; the same instance when already bare.</summary>
    public Jid Bare => IsBare ? this : _bare ??= new Jid(_local, _domain, null, null);

    public static Jid Parse(string value) =>
        TryParse(value, out var jid) ? jid : throw new FormatException("Not a valid JID (RFC 7622).");

    /// <summary>Parses and prepares a JID string (RFC 7622 §3.1); false when any part is empty or invalid.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out Jid? jid)
    {
        jid = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        // RFC 7622 §3.1: the first '/' starts the resourcepart (which may itself contain '/' and
        // '@'); an '@' before it ends the localpart.
        var span = value.AsSpan();
        var slash = span.IndexOf('/');
        var bareEnd = slash < 0 ? span.Length : slash;
        var at = span[..bareEnd].IndexOf('@');
        var domainStart = at + 1;
        var localSpan = at < 0 ? default : span[..at];
        var domainSpan = span[domainStart..bareEnd];
        var resourceSpan = slash < 0 ? default : span[(slash + 1)..];

        if ((at >= 0 && localSpan.IsEmpty) || domainSpan.IsEmpty || (slash >= 0 && resourceSpan.IsEmpty))
        {
            return false;
        }

        // The routing path sees prepared ASCII addresses almost always: accept those without
        // normalization and keep the input as the string form.
        if ((at < 0 || Precis.IsPreparedAsciiUsername(localSpan))
            && domainSpan[^1] != '.' && Precis.IsPreparedAsciiDomain(domainSpan)
            && (slash < 0 || Precis.IsPreparedAsciiOpaque(resourceSpan)))
        {
            jid = new Jid(
                at < 0 ? null : localSpan.ToString(),
                domainSpan.ToString(),
                slash < 0 ? null : resourceSpan.ToString(),
                value);
            return true;
        }

        return TryCreate(
            at < 0 ? null : localSpan.ToString(),
            domainSpan.ToString(),
            slash < 0 ? null : resourceSpan.ToString(),
            out jid);
    }

    /// <summary>Prepares and validates each part; throws <see cref="FormatException"/> when any is invalid.</summary>
    /// <remarks>A null part is absent; an empty string is an invalid part (RFC 7622 §3.1).</remarks>
    public static Jid Create(string? local, string domain, string? resource = null) =>
        TryCreate(local, domain, resource, out var jid) ? jid : throw new FormatException("Not a valid JID (RFC 7622).");

    /// <summary>Prepares and validates each part; false when any is invalid.</summary>
    public static bool TryCreate(string? local, string domain, string? resource, [NotNullWhen(true)] out Jid? jid)
    {
        jid = null;
        string? preparedLocal = null;
        string? preparedResource = null;
        if ((local is not null && !Precis.TryPrepareUsername(local, out preparedLocal))
            || !Precis.TryPrepareDomain(domain, out var preparedDomain)
            || (resource is not null && !Precis.TryPrepareResource(resource, out preparedResource)))
        {
            return false;
        }

        jid = new Jid(preparedLocal, preparedDomain, preparedResource, null);
        return true;
    }

    /// <summary>The same bare address with another resource (prepared), or the bare address for null.</summary>
    public Jid WithResource(string? resource)
    {
        if (resource is null)
        {
            return Bare;
        }

        var prepared = Precis.PrepareResource(resource);
        return new Jid(_local, _domain, prepared, null);
    }

    public bool Equals(Jid? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (string.Equals(_domain, other._domain, StringComparison.Ordinal)
                && string.Equals(_local, other._local, StringComparison.Ordinal)
                && string.Equals(_resource, other._resource, StringComparison.Ordinal)));

    public override bool Equals(object? obj) => obj is Jid other && Equals(other);

    public override int GetHashCode()
    {
        var hash = _hash;
        if (hash == 0)
        {
            // A race computes the same value twice; an int is written whole.
            _hash = hash = HashCode.Combine(
                _local is null ? 0 : string.GetHashCode(_local, StringComparison.Ordinal),
                string.GetHashCode(_domain, StringComparison.Ordinal),
                _resource is null ? 0 : string.GetHashCode(_resource, StringComparison.Ordinal));
        }

        return hash;
    }

    public static bool operator ==(Jid? left, Jid? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(Jid? left, Jid? right) => !(left == right);

    /// <summary>The prepared string form (RFC 7622 §3.1), built once per instance.</summary>
    public override string ToString() => _text ??= (_local, _resource) switch
    {
        (null, null) => _domain,
        (null, _) => string.Concat(_domain, "/", _resource),
        (_, null) => string.Concat(_local, "@", _domain),
        _ => string.Concat(_local, "@", _domain, "/", _resource),
    };
}
