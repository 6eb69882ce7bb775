using System.Data.Common;
using Parley.Server.Diagnostics;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
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
                _mechanism = element.GetAttribute("mechanism");
                var exchange = SaslServerMechanisms.Create(_mechanism, Sasl);
                if (exchange is null)
                {
                    // RFC 6120 §6.5.5: unknown, or not offered on this stream (PLAIN before TLS).
                    return Failed(SaslFailureCondition.InvalidMechanism);
                }

                // RFC 6120 §6.4.2: an empty <auth/> carries no initial response, which the mechanism
                // receives as an empty first message; "=" is an empty initial response.
                if (!SaslEncoding.TryDecode(element.Text, out var initial))
                {
                    return Failed(SaslFailureCondition.IncorrectEncoding);
                }

                _exchange = exchange;
                return await StepAsync(initial, cancellationToken).ConfigureAwait(false);

            case "response" when _exchange is not null:
                if (!SaslEncoding.TryDecode(element.Text, out var response))
                {
                    _exchange = null;
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

    private async ValueTask<NegotiationAction> StepAsync(byte[] data, CancellationToken cancellationToken)
    {
        SaslServerStep step;
        try
        {
            step = await _exchange!.StepAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            // RFC 6120 §6.5.11: the account store failed; the client may retry later. Only storage
            // errors: a fault in a mechanism is a bug and ends the stream as internal-server-error.
            _exchange = null;
            NegotiationLog.CredentialLookupFailed(services.Logger, endpoint.ConnectionId, e);
            return Failed(SaslFailureCondition.TemporaryAuthFailure);
        }

        switch (step.Kind)
        {
            case SaslStepKind.Challenge:
                output.Send(new Element("challenge", Namespaces.Sasl).AddText(SaslEncoding.Encode(step.Data.Span)));
                return NegotiationAction.None;

            case SaslStepKind.Success:
                _exchange = null;
                _account = Jid.Create(step.Username, _domain!);
                await HoldOutcomeAsync(_account.ToString(), cancellationToken).ConfigureAwait(false);
                services.AuthThrottle.Succeeded(endpoint.RemoteAddress, _account.ToString());
                NegotiationLog.Authenticated(services.Logger, endpoint.ConnectionId, _account.ToString(), _mechanism!);
                // RFC 6120 §6.4.6: additional data goes in <success/>; an empty element when there is none.
                output.Send(new Element("success", Namespaces.Sasl).AddText(step.Data.IsEmpty ? "" : Convert.ToBase64String(step.Data.Span)));
                _awaitingHeader = true;
                return NegotiationAction.RestartStream;

            default:
                _exchange = null;
                if (step.CredentialRejected)
                {
                    // Only a checked password is a guess: counted per source and per account tried,
                    // known or not, so the delay tells nothing about existence. Refusals before any
                    // credential is looked at (a channel-binding type this TLS version lacks, the 'y'
                    // downgrade flag, malformed messages) are bounded by Limits:MaxAuthAttemptsPerStream
                    // alone: clients that know only tls-unique fail them at every TLS 1.3 login.
                    var hold = HoldOutcomeAsync(_triedAccount, cancellationToken);
                    services.AuthThrottle.Failed(endpoint.RemoteAddress, _triedAccount);
                    await hold.ConfigureAwait(false);
                }

                return Failed(step.Condition);
        }
    }

    /// <summary>
    /// Holds the outcome of an attempt while the source or account is throttled (Limits:AuthFailuresBeforeDelay):
    /// the same wait before success and failure, so a guesser cannot stop waiting early and infer a failure.
    /// </summary>
    private Task HoldOutcomeAsync(string? account, CancellationToken cancellationToken)
    {
        var delay = services.AuthThrottle.Delay(endpoint.RemoteAddress, account);
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        NegotiationLog.AuthenticationDelayed(services.Logger, endpoint.ConnectionId, delay.TotalSeconds);
        return Task.Delay(delay, services.AuthThrottle.Time, cancellationToken);
    }

    /// <summary>
    /// Sends &lt;failure/&gt;. The mechanisms answer unknown accounts exactly like wrong passwords
    /// (not-authorized, after a full exchange), so nothing reveals whether an account exists.
    /// </summary>
    private NegotiationAction Failed(SaslFailureCondition condition)
    {
        NegotiationLog.AuthenticationFailed(services.Logger, endpoint.ConnectionId, _mechanism ?? "(none)", condition);
        var failure = new Element("failure", Namespaces.Sasl);
        failure.AddElement(ConditionNames<SaslFailureCondition>.Name(condition));
        output.Send(failure);
        if (condition != SaslFailureCondition.Aborted && ++_failedAttempts >= services.Options.Limits.MaxAuthAttemptsPerStream)
        {
            // RFC 6120 §6.4.5: past the allowed retries the receiving entity MUST return a stream error,
            // which SHOULD be <policy-violation/>; the <failure/> above is written first.
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "Too many failed authentication attempts");
        }

        return NegotiationAction.None;
    }

    private async ValueTask<ScramCredential?> FindCredentialAsync(string username, ScramHash hash, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse($"{username}@{_domain}", out var account))
        {
            _triedAccount = username;
            return null;
        }

        _triedAccount = account.ToString();

        return await services.Accounts.FindCredentialAsync(account, hash, cancellationToken).ConfigureAwait(false);
    }
}
