using Parley.Xmpp.Addressing;

namespace Parley.Xmpp.Sasl;

/// <summary>Turns a new password into what the account store keeps: one SCRAM credential per hash.</summary>
public static class ScramCredentials
{
    /// <summary>
    /// Prepares the password (PRECIS OpaqueString, RFC 8265 §4.2) and derives a credential for
    /// every <see cref="ScramHash"/>, each with its own random salt. Throws
    /// <see cref="FormatException"/> when the password is empty or not valid under the profile.
    /// </summary>
    public static IReadOnlyList<ScramCredential> FromPassword(string password, int iterations = ScramCredential.DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var prepared = Precis.PreparePassword(password);
        return [.. Enum.GetValues<ScramHash>().Select(hash => ScramCredential.Derive(hash, prepared, iterations: iterations))];
    }
}
