using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Parley.Server.Connections;
using Parley.Server.Diagnostics;
using Parley.Server.Negotiation;
using Parley.Xmpp;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Federation;

/// <summary>
/// The stream this server opens to another (RFC 6120 §4.2 as initiating entity): header, STARTTLS
/// (or XEP-0368 direct TLS), then Server Dialback (XEP-0220 §2.1.1) with a key for the remote
/// server's stream id; once valid, its <see cref="OutboundStream"/> releases the queued stanzas.
/// It also carries db:verify requests (§2.3.1) once TLS is settled. Nothing is routed from it:
/// a server-to-server stream carries stanzas one way (RFC 6120 §2.5).
/// </summary>
internal sealed class S2sOutboundRole(FederationServices services, OutboundStream owner, XmppConnection connection, bool directTls) : IStreamRole
{
    private readonly DomainPair _pair = owner.Pair;
    private readonly bool _directTls = directTls;
    private bool _secure = directTls;
    private bool _authenticated;
    private bool _saslTried;
    private bool _saslSucceeded;
    private string? _streamId;
    private volatile bool _peerCertificateValid;

    public string Kind => _directTls ? "s2s-tls-out" : "s2s-out";

    public string ContentNamespace => Namespaces.Server;

    public IReadOnlyList<KeyValuePair<string, string>> HeaderDeclarations => FederationServices.HeaderDeclarations;

    public bool IsEstablished => _authenticated;

    public void OnStarted() => SendHeader();

    public NegotiationAction OnStreamOpened(Element header, string? defaultNamespace)
    {
        if (!header.Is("stream", Namespaces.Streams) || defaultNamespace != Namespaces.Server)
        {
            throw new StreamErrorException(StreamErrorCondition.InvalidNamespace);
        }

        if (header.GetAttribute("version") is not { } version || !version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new StreamErrorException(StreamErrorCondition.UnsupportedVersion);
        }

        // XEP-0220 §2.1.1: the key is bound to the id the receiving server chose for this stream.
        _streamId = header.GetAttribute("id");
        return NegotiationAction.None;
    }

    public ValueTask<NegotiationAction> OnElementAsync(Element element, CancellationToken cancellationToken) =>
        ValueTask.FromResult(OnElement(element));

    public async Task<(SslStream Stream, TlsState State)> AuthenticateTlsAsync(Stream transport, bool directTls, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    // RFC 7590 §3.1 / RFC 6125: SNI and the reference identity are the remote domain.
                    TargetHost = _pair.Remote,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificates = [services.Certificates.GetCertificate(_pair.Local)],
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ApplicationProtocols = directTls ? [new SslApplicationProtocol("xmpp-server")] : null,
                    // Judged below by policy: "dialback" accepts any certificate and proves the domain by dialback.
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        _peerCertificateValid = services.IsCertificateValidFor(certificate as X509Certificate2, _pair.Remote);
                        return true;
                    },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return (ssl, new TlsState(_ => null) { PeerCertificate = ssl.RemoteCertificate as X509Certificate2 });
    }

    public void OnTlsEstablished(TlsState tls)
    {
        _secure = true;
        SendHeader();
    }

    public void OnStreamRestarted() => SendHeader();

    public IReadOnlyList<XmlAttribute> ErrorHeader(Element? peerHeader) => HeaderAttributes();

    public void OnHeartbeat(long timestamp)
    {
        if (_authenticated && owner.IsIdle(timestamp))
        {
            FederationLog.Idle(services.Logger, connection.ConnectionId);
            connection.Close();
        }
    }

    public ValueTask OnClosedAsync()
    {
        owner.OnClosed(connection);
        return ValueTask.CompletedTask;
    }

    private NegotiationAction OnElement(Element element)
    {
        if (element.Is("features", Namespaces.Streams))
        {
            return OnFeatures(element);
        }

        if (element.Is("proceed", Namespaces.Tls))
        {
            return NegotiationAction.StartTls;
        }

        if (element.Namespace == Namespaces.Dialback && element.GetAttribute("type") is { } type)
        {
            if (element.Name == "verify")
            {
                // XEP-0220 §2.3.2: the authoritative server's answer to one of our db:verify requests.
                owner.CompleteVerify(element.GetAttribute("id"), element.GetAttribute("from"), type);
                return NegotiationAction.None;
            }

            if (element.Name == "result" && element.GetAttribute("from") == _pair.Remote && element.GetAttribute("to") == _pair.Local)
            {
                return OnDialbackResult(type);
            }
        }

        if (element.Namespace == Namespaces.Sasl && element.Name is "success" or "failure")
        {
            return OnSaslOutcome(element.Name == "success");
        }

        if (element.Is("error", Namespaces.Streams))
        {
            owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "stream error " + ConditionNames<StreamErrorCondition>.Name(StreamError.ConditionOf(element)));
            return NegotiationAction.CloseStream;
        }

        if (element.Is("failure", Namespaces.Tls))
        {
            owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "the remote server refused TLS");
            return NegotiationAction.CloseStream;
        }

        // RFC 6120 §2.5: the receiving server does not send stanzas on this stream.
        throw new StreamErrorException(StreamErrorCondition.UnsupportedStanzaType);
    }

    private NegotiationAction OnFeatures(Element features)
    {
        if (_saslSucceeded)
        {
            // The features after SASL's restart (RFC 6120 §6.4.6): the stream is ready, and only now
            // may stanzas follow, after our new header.
            _authenticated = true;
            owner.OnAuthenticated(connection);
            return NegotiationAction.None;
        }

        var policy = services.PolicyFor(_pair.Remote);
        if (!_secure)
        {
            if (features.Child("starttls", Namespaces.Tls) is not null)
            {
                connection.Send(new Element("starttls", Namespaces.Tls));
                return NegotiationAction.None;
            }

            if (policy != S2sCertificatePolicy.Off)
            {
                // RFC 6120 §5.3.1: TLS is mandatory-to-negotiate for this domain.
                owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "the remote server does not offer TLS");
                return NegotiationAction.CloseStream;
            }
        }
        else if (policy == S2sCertificatePolicy.Require && !_peerCertificateValid)
        {
            // RFC 7590 §3.1: policy "require" accepts only a certificate valid for the remote domain.
            owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "the remote certificate is not valid for the domain");
            return NegotiationAction.CloseStream;
        }

        // TLS is settled (or not wanted): db:verify requests may go out on this stream now.
        owner.OnVerifyReady(connection);
        if (_secure && !_saslTried && policy != S2sCertificatePolicy.Off
            && features.Child("mechanisms", Namespaces.Sasl)?.Children("mechanism", Namespaces.Sasl).Any(m => m.Text == SaslMechanismNames.External) == true)
        {
            // XEP-0178 §3: the receiving server found our certificate valid; EXTERNAL names our domain.
            _saslTried = true;
            var auth = new Element("auth", Namespaces.Sasl).SetAttribute("mechanism", SaslMechanismNames.External);
            connection.Send(auth.AddText(SaslEncoding.Encode(System.Text.Encoding.UTF8.GetBytes(_pair.Local))));
            return NegotiationAction.None;
        }

        return StartDialback();
    }

    private NegotiationAction OnSaslOutcome(bool success)
    {
        if (success)
        {
            _saslSucceeded = true;
            FederationLog.OutboundAuthenticated(services.Logger, _pair.Local, _pair.Remote, "SASL EXTERNAL");
            return NegotiationAction.RestartStream;
        }

        // RFC 6120 §6.4.5 / XEP-0178: EXTERNAL was refused; dialback may still prove the domain.
        return StartDialback();
    }

    private NegotiationAction StartDialback()
    {
        if (_streamId is null)
        {
            throw new StreamErrorException(StreamErrorCondition.InvalidXml, "Stream header without id");
        }

        // XEP-0220 §2.1.1 with the XEP-0185 key for this stream.
        var key = DialbackKey.Generate(services.Secret, _pair.Remote, _pair.Local, _streamId);
        connection.Send(FederationServices.Dialback("result", _pair.Local, _pair.Remote, key: key));
        return NegotiationAction.None;
    }

    private NegotiationAction OnDialbackResult(string type)
    {
        if (type == "valid")
        {
            _authenticated = true;
            FederationLog.OutboundAuthenticated(services.Logger, _pair.Local, _pair.Remote, "dialback");
            owner.OnAuthenticated(connection);
            return NegotiationAction.None;
        }

        // XEP-0220 §2.1.3 (invalid) and §2.4 (error): this domain pair cannot use the stream.
        owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "dialback " + type);
        return NegotiationAction.CloseStream;
    }

    private void SendHeader() => connection.SendHeader(HeaderAttributes());

    /// <summary>RFC 6120 §4.7.1: 'from' and 'to' name the two domains.</summary>
    private List<XmlAttribute> HeaderAttributes() =>
        [new("from", _pair.Local), new("to", _pair.Remote), new("version", "1.0")];
}
