namespace Parley.Xmpp.Sasl;

/// <summary>
/// One authentication exchange in the server role (RFC 4422 §3, RFC 6120 §6.4). Instances are
/// single-use and not thread-safe: the negotiation feeds each client message in order.
/// </summary>
public abstract class SaslServerMechanism
{
    /// <summary>Larger client messages fail with malformed-request; real ones are well under 1 KiB.</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>The registered mechanism name (RFC 4422 §3.1), e.g. "SCRAM-SHA-256".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Processes the next client message, already base64-decoded. An empty first message means the
    /// client sent no initial response: the mechanism answers with an empty challenge (RFC 6120 §6.4.2).
    /// Exceptions from the credential lookup are not caught here: the negotiation answers them with
    /// temporary-auth-failure (RFC 6120 §6.5.11).
    /// </summary>
    public abstract ValueTask<SaslServerStep> StepAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken cancellationToken);
}
