namespace Parley.Xmpp.Sasl;

/// <summary>What a server mechanism asks the negotiation to send next (RFC 6120 §6.4.3–§6.4.6).</summary>
public enum SaslStepKind
{
    Challenge,
    Success,
    Failure,
}
