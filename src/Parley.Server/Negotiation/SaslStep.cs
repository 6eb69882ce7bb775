using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Negotiation;

/// <summary>One step of a server SASL exchange (RFC 6120 §6.4): a challenge, success (with additional data and the account) or a failure.</summary>
internal readonly record struct SaslStep(SaslStepKind Kind, byte[]? Data = null, Jid? Account = null, SaslFailureCondition Failure = SaslFailureCondition.NotAuthorized);
