using Parley.Server.Diagnostics;
using Parley.Xmpp;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Negotiation;

/// <summary>RFC 6120 §6.4: the SASL exchange (auth, challenge/response, success, failure, abort).</summary>
internal sealed partial class C2sNegotiator
{
    private async ValueTask<NegotiationAction> OnSaslAsync(Element element, CancellationToken cancellationToken)
    {
        if (!IsSecure && !PlaintextAllowed)
        {
            // RFC 6120 §5.3.1 and §6.5.4: authentication waits for TLS.
            return Failed(SaslFailureCondition.EncryptionRequired);
        }

        switch (element.Name)
        {
            case "auth":
                _exchange = null;
                var mechanism = element.GetAttribute("mechanism");
                var exchange = mechanism is null ? null : services.Sasl.Start(mechanism, Sasl);
                if (exchange is null)
                {
                    return Failed(SaslFailureCondition.InvalidMechanism);
                }

                // RFC 6120 §6.4.2: an empty <auth/> carries no initial response; "=" is an empty one.
                byte[]? initial = null;
                if (element.Text.Length > 0 && !TryDecode(element.Text, out initial))
                {
                    return Failed(SaslFailureCondition.IncorrectEncoding);
                }

                _exchange = exchange;
                _mechanism = mechanism;
                return await StepAsync(initial, cancellationToken).ConfigureAwait(false);

            case "response" when _exchange is not null:
                if (!TryDecode(element.Text, out var response))
                {
                    return Failed(SaslFailureCondition.IncorrectEncoding);
                }

                return await StepAsync(response, cancellationToken).ConfigureAwait(false);

            case "response":
                return Failed(SaslFailureCondition.MalformedRequest);

            case "abort":
                // RFC 6120 §6.4.4: the client may abort at any point; the failure is <aborted/>.
                _exchange = null;
                return Failed(SaslFailureCondition.Aborted);

            default:
                throw new StreamErrorException(StreamErrorCondition.UnsupportedStanzaType);
        }
    }

    private async ValueTask<NegotiationAction> StepAsync(byte[]? data, CancellationToken cancellationToken)
    {
        var step = await _exchange!.StepAsync(data, cancellationToken).ConfigureAwait(false);
        switch (step.Kind)
        {
            case SaslStepKind.Challenge:
                output.Send(new Element("challenge", Namespaces.Sasl).AddText(Encode(step.Data)));
                return NegotiationAction.None;

            case SaslStepKind.Success:
                _exchange = null;
                _account = step.Account ?? throw new InvalidOperationException("A SASL success must name the account.");
                NegotiationLog.Authenticated(services.Logger, endpoint.ConnectionId, _account.ToString(), _mechanism!);
                // RFC 6120 §6.4.6: additional data goes in <success/>; an empty element when there is none.
                output.Send(new Element("success", Namespaces.Sasl).AddText(step.Data is { Length: > 0 } ? Convert.ToBase64String(step.Data) : ""));
                _awaitingHeader = true;
                return NegotiationAction.RestartStream;

            default:
                _exchange = null;
                return Failed(step.Failure);
        }
    }

    /// <summary>
    /// Sends &lt;failure/&gt;. Unknown accounts and wrong passwords both surface as not-authorized from
    /// the mechanisms, so the reply never reveals whether an account exists (RFC 6120 §6.5.10).
    /// </summary>
    private NegotiationAction Failed(SaslFailureCondition condition)
    {
        NegotiationLog.AuthenticationFailed(services.Logger, endpoint.ConnectionId, _mechanism ?? "(none)", condition);
        var failure = new Element("failure", Namespaces.Sasl);
        failure.AddElement(ConditionNames<SaslFailureCondition>.Name(condition));
        output.Send(failure);
        if (condition != SaslFailureCondition.Aborted && ++_failedAttempts >= NegotiationServices.MaxAuthenticationAttempts)
        {
            // RFC 6120 §6.4.5: after the allowed retries the stream is closed.
            return NegotiationAction.CloseStream;
        }

        return NegotiationAction.None;
    }

    /// <summary>RFC 6120 §6.4.2: "=" is an empty response; anything else must be strict base64 without whitespace.</summary>
    private static bool TryDecode(string text, out byte[]? data)
    {
        data = null;
        if (text == "=" || text.Length == 0)
        {
            data = [];
            return true;
        }

        if (text.AsSpan().ContainsAny(" \t\r\n"))
        {
            return false;
        }

        var buffer = new byte[text.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            return false;
        }

        data = buffer[..written];
        return true;
    }

    private static string Encode(byte[]? data) => data is { Length: > 0 } ? Convert.ToBase64String(data) : "=";
}
