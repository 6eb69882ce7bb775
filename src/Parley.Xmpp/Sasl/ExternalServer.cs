namespace Parley.Xmpp.Sasl;

/// <summary>
/// EXTERNAL in the server role (RFC 4422 Appendix A): the peer was authenticated by the lower layer
/// (its TLS certificate); its only message is the authorization identity it asks for, possibly
/// empty. Whether that identity is granted is the caller's decision (the certificate's names).
/// </summary>
internal sealed class ExternalServer(Func<string?, string?> authorize) : SaslServerMechanism
{
    private bool _done;

    public override string Name => SaslMechanismNames.External;

    public override ValueTask<SaslServerStep> StepAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return ValueTask.FromResult(SaslServerStep.Failure(SaslFailureCondition.MalformedRequest));
        }

        _done = true;
        return ValueTask.FromResult(Decide(clientMessage.Span));
    }

    private SaslServerStep Decide(ReadOnlySpan<byte> message)
    {
        // No challenge is ever needed: an <auth/> without text is taken as the empty response "="
        // (RFC 6120 §6.4.2), since EXTERNAL's whole client message is the optional authzid.
        string? authzid = null;
        if (!message.IsEmpty)
        {
            // RFC 4422 Appendix A.1: authz-id = 1*UTF8-char, and UTF8-1 excludes NUL.
            if (message.Length > MaxMessageBytes || message.Contains((byte)0) || !ScramSyntax.TryDecodeUtf8(message, out authzid))
            {
                return SaslServerStep.Failure(SaslFailureCondition.MalformedRequest);
            }
        }

        if (authorize(authzid) is { Length: > 0 } identity)
        {
            return SaslServerStep.Success(ReadOnlyMemory<byte>.Empty, identity);
        }

        // RFC 6120 §6.5.6: an authzid the peer may not act as is invalid-authzid; with none, the
        // lower layer's identity itself was not accepted (§6.5.10).
        return SaslServerStep.Failure(authzid is null ? SaslFailureCondition.NotAuthorized : SaslFailureCondition.InvalidAuthzid);
    }
}
