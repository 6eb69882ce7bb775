namespace Parley.Server.Negotiation;

internal enum SaslStepKind
{
    Challenge,
    Success,
    Failure,
}
