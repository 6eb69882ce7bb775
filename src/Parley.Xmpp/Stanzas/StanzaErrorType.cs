namespace Parley.Xmpp.Stanzas;

/// <summary>The error types of RFC 6120 §8.3.2.</summary>
public enum StanzaErrorType
{
    Auth,
    Cancel,
    Continue,
    Modify,
    Wait,
}
