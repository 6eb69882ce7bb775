namespace Parley.Server.Negotiation;

/// <summary>One running SASL exchange of a server mechanism.</summary>
internal interface ISaslExchange
{
    /// <summary>Feeds the initial response (null when the client sent none) or a later response.</summary>
    ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken);
}
