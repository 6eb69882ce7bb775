namespace Parley.Xmpp.Sasl;

/// <summary>The outcome of one server mechanism step: a challenge, success or failure.</summary>
public sealed class SaslServerStep
{
    private SaslServerStep(SaslStepKind kind, ReadOnlyMemory<byte> data, string? username, SaslFailureCondition condition, bool credentialRejected = false)
    {
        Kind = kind;
        Data = data;
        Username = username;
        Condition = condition;
        CredentialRejected = credentialRejected;
    }

    public SaslStepKind Kind { get; }

    /// <summary>The challenge, or the additional data of success (RFC 6120 §6.3.10); not base64-encoded.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// On success, the authenticated identity: the user as a prepared localpart (SCRAM, PLAIN), or
    /// for EXTERNAL the identity its authorizer granted (a domain between servers).
    /// </summary>
    public string? Username { get; }

    /// <summary>On failure, the RFC 6120 §6.5 condition to send.</summary>
    public SaslFailureCondition Condition { get; }

    /// <summary>
    /// On failure, true when a password (or SCRAM proof) was checked against a credential and did
    /// not match: the one failure that is a password guess. Refusals before any credential is
    /// checked (malformed messages, an unsupported channel-binding type, a downgrade flag) are false.
    /// </summary>
    public bool CredentialRejected { get; }

    public static SaslServerStep Challenge(ReadOnlyMemory<byte> data) => new(SaslStepKind.Challenge, data, null, default);

    public static SaslServerStep Success(ReadOnlyMemory<byte> additionalData, string username) =>
        new(SaslStepKind.Success, additionalData, username, default);

    public static SaslServerStep Failure(SaslFailureCondition condition) => new(SaslStepKind.Failure, default, null, condition);

    /// <summary>RFC 6120 §6.5.10 not-authorized after the credential was checked: a wrong password (or an unknown user).</summary>
    public static SaslServerStep WrongCredential() => new(SaslStepKind.Failure, default, null, SaslFailureCondition.NotAuthorized, credentialRejected: true);
}
