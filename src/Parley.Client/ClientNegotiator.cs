using System.Net.Security;
using System.Security.Authentication;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Client;

/// <summary>
/// The client side of stream negotiation (RFC 6120 §4.3): TLS (direct or STARTTLS), SASL,
/// stream restart, resource binding and, when a server still requires it, the RFC 3921 session.
/// </summary>
internal sealed class ClientNegotiator(ClientTransport transport, XmppClientOptions options)
{
    private const string BindId = "bind";
    private const string SessionId = "session";

    private readonly string _domain = options.Jid.Domain;

    /// <summary>The SASL mechanism that succeeded.</summary>
    public string? Mechanism { get; private set; }

    public async Task<Jid> NegotiateAsync(CancellationToken cancellationToken)
    {
        if (options.DirectTls)
        {
            // XEP-0368: TLS first, then the stream, with no STARTTLS step.
            await transport.UpgradeToTlsAsync(TlsOptions(), cancellationToken).ConfigureAwait(false);
        }

        var features = await OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        if (!transport.IsEncrypted && options.TlsPolicy != TlsPolicy.Disabled)
        {
            features = await StartTlsAsync(features, cancellationToken).ConfigureAwait(false);
        }

        await AuthenticateAsync(features, cancellationToken).ConfigureAwait(false);

        // RFC 6120 §6.4.6: after SASL success both sides restart the stream.
        features = await OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        var jid = await BindAsync(features, cancellationToken).ConfigureAwait(false);
        await EstablishSessionAsync(features, cancellationToken).ConfigureAwait(false);
        return jid;
    }

    private async Task<Element> OpenStreamAsync(CancellationToken cancellationToken)
    {
        // RFC 6120 §4.7.1: 'from' only once the stream is protected, so the account is not disclosed in the clear.
        var from = transport.IsEncrypted ? options.Jid.Bare.ToString() : null;
        await transport.OpenStreamAsync(_domain, from, cancellationToken).ConfigureAwait(false);
        var header = await transport.ReadEventAsync(cancellationToken).ConfigureAwait(false);
        if (header.Kind != XmlStreamEventKind.StreamOpened)
        {
            throw new XmppNegotiationException("The server did not open a stream.");
        }

        // RFC 6120 §4.7.5: without version='1.0' the server cannot negotiate features at all.
        if (header.Element!.GetAttribute("version") is not { } version || !version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new XmppNegotiationException("The server does not support XMPP 1.0 streams.");
        }

        var features = await transport.ReadElementAsync(cancellationToken).ConfigureAwait(false);
        return features.Is("features", Namespaces.Streams)
            ? features
            : throw new XmppNegotiationException($"Expected <stream:features/>, got <{features.Name}/>.");
    }

    private async Task<Element> StartTlsAsync(Element features, CancellationToken cancellationToken)
    {
        if (features.Child("starttls", Namespaces.Tls) is null)
        {
            return options.TlsPolicy == TlsPolicy.Required
                ? throw new XmppNegotiationException("TLS is required but the server does not offer STARTTLS.")
                : features;
        }

        await transport.SendAsync(new Element("starttls", Namespaces.Tls), cancellationToken).ConfigureAwait(false);
        var answer = await transport.ReadElementAsync(cancellationToken).ConfigureAwait(false);
        if (!answer.Is("proceed", Namespaces.Tls))
        {
            // RFC 6120 §5.4.2.2: <failure/> is followed by the server closing the stream.
            throw new XmppNegotiationException("The server refused STARTTLS.");
        }

        await transport.UpgradeToTlsAsync(TlsOptions(), cancellationToken).ConfigureAwait(false);

        // RFC 6120 §5.4.3.3: a new stream over the encrypted channel.
        return await OpenStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    private SslClientAuthenticationOptions TlsOptions() => new()
    {
        // SNI and certificate name check against the XMPP domain, not the host connected to (RFC 6120 §13.7.2).
        TargetHost = _domain,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = CertificateCheck(options),
    };

    private static RemoteCertificateValidationCallback CertificateCheck(XmppClientOptions options) =>
        options.AcceptUntrustedCertificates
            ? static (_, _, _, _) => true
            : options.CertificateValidation ?? (static (_, _, _, errors) => errors == SslPolicyErrors.None);

    private async Task AuthenticateAsync(Element features, CancellationToken cancellationToken)
    {
        var serverOffer = features.Child("mechanisms", Namespaces.Sasl)?.Children("mechanism", Namespaces.Sasl)
            .Select(m => m.Text.Trim())
            .ToArray()
            ?? throw new XmppNegotiationException("The server offers no SASL authentication.");
        var offered = serverOffer
            .Where(name => options.SaslMechanisms is null || options.SaslMechanisms.Contains(name, StringComparer.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        // RFC 5802 §6: a client that could bind but sees no -PLUS sends the gs2 flag 'y', which a
        // server that did offer -PLUS must refuse as a downgrade. When the options exclude every
        // offered -PLUS mechanism, this client is not binding at all: say 'n' by offering no data.
        var mayBind = offered.Any(IsPlus) || !serverOffer.Any(IsPlus);

        var bindingTypes = features.Child("sasl-channel-binding", Namespaces.SaslChannelBinding)?
            .Children("channel-binding", Namespaces.SaslChannelBinding)
            .Select(b => b.GetAttribute("type"))
            .OfType<string>()
            .ToArray() ?? [];

        var context = new SaslClientContext
        {
            Username = options.Jid.Local ?? throw new XmppNegotiationException("The JID has no localpart to log in with."),
            Password = options.Password,
            IsTlsActive = transport.IsEncrypted,
            AllowPlainWithoutTls = options.AllowPlainWithoutTls,
            ChannelBindingData = mayBind ? BindingData : null,
            ServerChannelBindingTypes = bindingTypes,
        };
        var mechanism = SaslClientMechanisms.Select(offered, context)
            ?? throw new XmppNegotiationException($"No acceptable SASL mechanism among: {string.Join(", ", offered)}.");

        var auth = new Element("auth", Namespaces.Sasl).SetAttribute("mechanism", mechanism.Name);
        auth.AddText(SaslEncoding.Encode(mechanism.GetInitialResponse()));
        await transport.SendAsync(auth, cancellationToken).ConfigureAwait(false);

        while (true)
        {
            var answer = await transport.ReadElementAsync(cancellationToken).ConfigureAwait(false);
            if (answer.Namespace != Namespaces.Sasl)
            {
                throw new XmppNegotiationException($"Unexpected <{answer.Name}/> during SASL.");
            }

            switch (answer.Name)
            {
                case "challenge":
                    if (!SaslEncoding.TryDecode(answer.Text, out var challenge) || !mechanism.TryRespond(challenge, out var response))
                    {
                        // RFC 6120 §6.4.4: the client aborts an exchange it cannot continue.
                        await transport.SendAsync(new Element("abort", Namespaces.Sasl), cancellationToken).ConfigureAwait(false);
                        throw new XmppAuthenticationException(mechanism.Name, SaslFailureCondition.Aborted, "The server's challenge was invalid.");
                    }

                    var reply = new Element("response", Namespaces.Sasl);
                    reply.AddText(SaslEncoding.Encode(response));
                    await transport.SendAsync(reply, cancellationToken).ConfigureAwait(false);
                    break;

                case "success":
                    // RFC 5802 §3: the server proves it knows the credential; without that proof the stream is not trusted.
                    if (!SaslEncoding.TryDecode(answer.Text, out var additional) || !mechanism.VerifySuccess(additional))
                    {
                        throw new XmppAuthenticationException(mechanism.Name, SaslFailureCondition.NotAuthorized, "The server's final SASL message did not verify.");
                    }

                    Mechanism = mechanism.Name;
                    return;

                case "failure":
                    throw new XmppAuthenticationException(mechanism.Name, FailureCondition(answer), answer.ChildText("text", Namespaces.Sasl));

                default:
                    throw new XmppNegotiationException($"Unexpected <{answer.Name}/> during SASL.");
            }
        }
    }

    /// <summary>tls-server-end-point only: tls-unique is undefined on TLS 1.3 and tls-exporter is not exposed by SslStream.</summary>
    private byte[]? BindingData(string type) => type == ChannelBinding.TlsServerEndPoint ? transport.ServerEndPointBinding() : null;

    private static bool IsPlus(string mechanism) => mechanism.EndsWith("-PLUS", StringComparison.Ordinal);

    private static SaslFailureCondition FailureCondition(Element failure)
    {
        foreach (var child in failure.Children())
        {
            if (child.Name != "text" && ConditionNames<SaslFailureCondition>.TryParse(child.Name, out var condition))
            {
                return condition;
            }
        }

        // RFC 6120 §6.5: an unknown or missing condition is treated as a generic failure.
        return SaslFailureCondition.NotAuthorized;
    }

    private async Task<Jid> BindAsync(Element features, CancellationToken cancellationToken)
    {
        if (features.Child("bind", Namespaces.Bind) is null)
        {
            throw new XmppNegotiationException("The server does not offer resource binding.");
        }

        var iq = new Element("iq", Namespaces.Client).SetAttribute("type", "set").SetAttribute("id", BindId);
        var bind = iq.AddElement("bind", Namespaces.Bind);
        if ((options.Resource ?? options.Jid.Resource) is { } resource)
        {
            bind.AddElement("resource").AddText(resource);
        }

        var result = await RequestAsync(iq, BindId, "Resource binding", cancellationToken).ConfigureAwait(false);
        var text = result.Child("bind", Namespaces.Bind)?.ChildText("jid", Namespaces.Bind);
        return Jid.TryParse(text, out var jid) && !jid.IsBare
            ? jid
            : throw new XmppNegotiationException("The server's bind result has no valid full JID.");
    }

    /// <summary>RFC 6121 dropped the session step; a server that still offers it without &lt;optional/&gt; needs it (RFC 3921 §3).</summary>
    private async Task EstablishSessionAsync(Element features, CancellationToken cancellationToken)
    {
        var session = features.Child("session", Namespaces.Session);
        if (session is null || session.Child("optional", Namespaces.Session) is not null)
        {
            return;
        }

        var iq = new Element("iq", Namespaces.Client).SetAttribute("type", "set").SetAttribute("id", SessionId);
        iq.AddElement("session", Namespaces.Session);
        await RequestAsync(iq, SessionId, "Session establishment", cancellationToken).ConfigureAwait(false);
    }

    private async Task<Element> RequestAsync(Element iq, string id, string what, CancellationToken cancellationToken)
    {
        await transport.SendAsync(iq, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var answer = await transport.ReadElementAsync(cancellationToken).ConfigureAwait(false);

            // Nothing else is expected before the session exists; anything that is not our answer is ignored.
            if (!answer.Is("iq", Namespaces.Client) || answer.GetAttribute("id") != id)
            {
                continue;
            }

            return answer.GetAttribute("type") switch
            {
                "result" => answer,
                "error" => throw new XmppNegotiationException($"{what} failed: {StanzaError.FromStanza(answer)?.Condition ?? StanzaErrorCondition.UndefinedCondition}."),
                _ => throw new XmppNegotiationException($"{what}: unexpected answer type."),
            };
        }
    }
}
