namespace Parley.Server.Negotiation;

/// <summary>What a SASL mechanism may depend on for one stream.</summary>
/// <param name="Domain">The hosted domain authenticated against.</param>
/// <param name="IsSecure">Whether the stream is encrypted (PLAIN is offered only then, unless plaintext auth is allowed).</param>
/// <param name="ChannelBindingTypes">The RFC 5929 channel-binding types this TLS session can give (empty without TLS).</param>
/// <param name="ChannelBinding">The channel-binding data for a type, or null.</param>
internal sealed record SaslContext(
    string Domain,
    bool IsSecure,
    IReadOnlyList<string> ChannelBindingTypes,
    Func<string, byte[]?> ChannelBinding);
