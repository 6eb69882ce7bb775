using System.Diagnostics.CodeAnalysis;

namespace Parley.Xmpp.Addressing;

/// <summary>
/// An XMPP address (RFC 7622), always held in prepared form: localpart by the PRECIS
/// UsernameCaseMapped profile, domainpart as an IDNA U-label lowercase name, resourcepart by
/// OpaqueString. Two JIDs that prepare to the same parts are equal.
/// </summary>
public sealed class Jid : IEquatable<Jid>
{
    public string? Local => throw new NotImplementedException();

    public string Domain => throw new NotImplementedException();

    public string? Resource => throw new NotImplementedException();

    public bool IsBare => Resource is null;

    public Jid Bare => throw new NotImplementedException();

    public static Jid Parse(string value) => throw new NotImplementedException();

    public static bool TryParse(string? value, [NotNullWhen(true)] out Jid? jid) => throw new NotImplementedException();

    /// <summary>Prepares and validates each part; throws <see cref="FormatException"/> when any is invalid.</summary>
    public static Jid Create(string? local, string domain, string? resource = null) => throw new NotImplementedException();

    public Jid WithResource(string? resource) => throw new NotImplementedException();

    public bool Equals(Jid? other) => throw new NotImplementedException();

    public override bool Equals(object? obj) => obj is Jid other && Equals(other);

    public override int GetHashCode() => throw new NotImplementedException();

    public override string ToString() => throw new NotImplementedException();
}
