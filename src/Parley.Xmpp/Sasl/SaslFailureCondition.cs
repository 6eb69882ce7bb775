namespace Parley.Xmpp.Sasl;

/// <summary>The SASL failure conditions of RFC 6120 §6.5.</summary>
public enum SaslFailureCondition
{
    Aborted,
    AccountDisabled,
    CredentialsExpired,
    EncryptionRequired,
    IncorrectEncoding,
    InvalidAuthzid,
    InvalidMechanism,
    MalformedRequest,
    MechanismTooWeak,
    NotAuthorized,
    TemporaryAuthFailure,
}
