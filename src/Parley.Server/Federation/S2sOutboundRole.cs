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
/// (or XEP-0368 direct TLS), then SASL EXTERNAL (XEP-0178) or Server Dialback (XEP-0220 §2.1.1)
/// with a key for the remote server's stream id; once the receiving server accepts, its
/// <see cref="OutboundStream"/> releases the queued stanzas. An explicit <see cref="OutboundState"/>
/// decides what may come next: an answer nobody asked for (a db:result before ours was sent, a
/// SASL success without our auth, anything before TLS when the domain's policy wants TLS) ends the
/// stream with a stream error and the queue is bounced, never sent. It also carries db:verify
/// requests (§2.3.1) once TLS is settled. Nothing is routed from it: a server-to-server stream
/// carries stanzas one way (RFC 6120 §2.5).
/// </summary>
internal sealed class S2sOutboundRole(FederationServices services, OutboundStream owner, XmppConnection connection, bool directTls) : IStreamRole
{
    private readonly DomainPair _pair = owner.Pair;
    private readonly bool _directTls = directTls;
    private readonly S2sCertificatePolicy _policy = services.PolicyFor(owner.Pair.Remote);
    private volatile OutboundState _state = OutboundState.AwaitingHeader;
    private bool _secure = directTls;
    private bool _saslTried;
    private bool _saslSucceeded;
    private bool _verifyReady;
    private long _dialbackSentAt;
    private string? _streamId;
    private volatile bool _peerCertificateValid;

    public string Kind => _directTls ? "s2s-tls-out" : "s2s-out";

    public string ContentNamespace => Namespaces.Server;

    public IReadOnlyList<KeyValuePair<string, string>> HeaderDeclarations => FederationServices.HeaderDeclarations;

    public bool IsEstablished => _state == OutboundState.Established;

    public bool IsOutbound => true;

    public void OnStarted() => SendHeader();

    public NegotiationAction OnStreamOpened(StreamHeader header)
    {
        if (_state != OutboundState.AwaitingHeader)
        {
            throw new StreamErrorException(StreamErrorCondition.BadFormat, "Unexpected stream header");
        }

        // XEP-0220 §2.1.1: the key is bound to the id the receiving server chose for this stream.
        _streamId = header.Id;
        _state = OutboundState.AwaitingFeatures;
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
                    // With its intermediates: peers that check it for SASL EXTERNAL rarely fetch missing ones.
                    ClientCertificateContext = services.Certificates.GetContext(_pair.Local),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ApplicationProtocols = directTls ? [new SslApplicationProtocol("xmpp-server")] : null,
                    // Judged below by policy: "dialback" accepts any certificate and proves the domain by dialback.
                    // The chain holds the intermediates the peer sent (issue 11 item 9), never trusted as roots.
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                    {
                        _peerCertificateValid = services.IsCertificateValidFor(certificate as X509Certificate2, PeerCertificateValidator.Presented(chain), _pair.Remote);
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
        _state = OutboundState.AwaitingHeader;
        SendHeader();
    }

    public void OnStreamRestarted()
    {
        _state = OutboundState.AwaitingHeader;
        SendHeader();
    }

    public IReadOnlyList<XmlAttribute> ErrorHeader(StreamHeader? peerHeader) => HeaderAttributes();

    public void OnHeartbeat(long timestamp)
    {
        if (_state == OutboundState.Established && owner.IsIdle(timestamp))
        {
            FederationLog.Idle(services.Logger, connection.ConnectionId);
            connection.Close();
        }
        else if (_state == OutboundState.AwaitingDialbackResult
            && services.Elapsed(Volatile.Read(ref _dialbackSentAt), timestamp, services.S2s.DialbackTimeoutSeconds))
        {
            // S2s:DialbackTimeoutSeconds: the receiving server never answered our db:result; the
            // queue bounces with remote-server-timeout (RFC 6120 §10.4.3 with §4.9.3.4).
            owner.TimedOut();
            FederationLog.OutboundRefused(services.Logger, _pair.Local, _pair.Remote, "no dialback answer in time");
            connection.Terminate(StreamErrorCondition.ConnectionTimeout, "No answer to db:result");
        }
    }

    public ValueTask OnClosedAsync()
    {
        owner.OnClosed(connection);
        return ValueTask.CompletedTask;
    }

    private NegotiationAction OnElement(Element element)
    {
        if (element.Is("error", Namespaces.Streams))
        {
            owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "stream error " + ConditionNames<StreamErrorCondition>.Name(StreamError.ConditionOf(element)));
            return NegotiationAction.CloseStream;
        }

        switch (_state)
        {
            case OutboundState.AwaitingFeatures when element.Is("features", Namespaces.Streams):
                return OnFeatures(element);
            case OutboundState.AwaitingProceed when element.Is("proceed", Namespaces.Tls):
                return NegotiationAction.StartTls;
            case OutboundState.AwaitingProceed when element.Is("failure", Namespaces.Tls):
                owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "the remote server refused TLS");
                return NegotiationAction.CloseStream;
            case OutboundState.AwaitingSaslOutcome when element.Namespace == Namespaces.Sasl && element.Name is "success" or "failure":
                return OnSaslOutcome(element.Name == "success");
            case OutboundState.AwaitingDialbackResult when element.Is("result", Namespaces.Dialback) && element.GetAttribute("type") is { } type
                && element.GetAttribute("from") == _pair.Remote && element.GetAttribute("to") == _pair.Local:
                return OnDialbackResult(type);
        }

        if (_verifyReady && element.Is("verify", Namespaces.Dialback) && element.GetAttribute("type") is { } verdict)
        {
            // XEP-0220 §2.3.2: the authoritative server's answer, taken only for a request sent on this stream.
            owner.CompleteVerify(connection, element.GetAttribute("id"), element.GetAttribute("from"), element.GetAttribute("to"), verdict);
            return NegotiationAction.None;
        }

        if (IsNegotiationAnswer(element))
        {
            // An answer to a question this stream did not ask, or not yet (before TLS, before our
            // db:result or auth): accepting it would authenticate a peer that proved nothing.
            owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "unexpected <" + element.Name + "/> in state " + _state);
            throw new StreamErrorException(StreamErrorCondition.NotAuthorized, "Unexpected " + element.Name);
        }

        // RFC 6120 §2.5: the receiving server does not send stanzas on this stream; and an element
        // no peer can have meant here ends the stream visibly rather than being ignored.
        owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "unsupported <" + element.Name + "/>");
        throw new StreamErrorException(StreamErrorCondition.UnsupportedStanzaType);
    }

    /// <summary>Elements that answer a negotiation step (features, TLS, SASL, dialback).</summary>
    private static bool IsNegotiationAnswer(Element element) =>
        element.Is("features", Namespaces.Streams)
        || element.Namespace is Namespaces.Tls or Namespaces.Sasl or Namespaces.Dialback;

    private NegotiationAction OnFeatures(Element features)
    {
        if (_saslSucceeded)
        {
            // The features after SASL's restart (RFC 6120 §6.4.6): the stream is ready, and only now
            // may stanzas follow, after our new header.
            return Establish();
        }

        if (!_secure)
        {
            if (features.Child("starttls", Namespaces.Tls) is not null)
            {
                _state = OutboundState.AwaitingProceed;
                connection.Send(new Element("starttls", Namespaces.Tls));
                return NegotiationAction.None;
            }

            if (_policy != S2sCertificatePolicy.Off)
            {
                // RFC 6120 §5.3.1: TLS is mandatory-to-negotiate for this domain.
                owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "the remote server does not offer TLS");
                throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "TLS is required");
            }
        }
        else if (_policy == S2sCertificatePolicy.Require && !_peerCertificateValid)
        {
            // RFC 7590 §3.1: policy "require" accepts only a certificate valid for the remote domain.
            owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "the remote certificate is not valid for the domain");
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "Certificate not valid for " + _pair.Remote);
        }

        // TLS is settled (or not wanted): db:verify requests may go out on this stream now.
        _verifyReady = true;
        owner.OnVerifyReady(connection);
        if (_secure && !_saslTried && _policy != S2sCertificatePolicy.Off
            && features.Child("mechanisms", Namespaces.Sasl)?.Children("mechanism", Namespaces.Sasl).Any(m => m.Text == SaslMechanismNames.External) == true)
        {
            // XEP-0178 §3: the receiving server found our certificate valid; EXTERNAL names our domain.
            _saslTried = true;
            _state = OutboundState.AwaitingSaslOutcome;
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
        Volatile.Write(ref _dialbackSentAt, services.Time.GetTimestamp());
        _state = OutboundState.AwaitingDialbackResult;
        connection.Send(FederationServices.Dialback("result", _pair.Local, _pair.Remote, key: key));
        return NegotiationAction.None;
    }

    private NegotiationAction OnDialbackResult(string type)
    {
        if (type == "valid")
        {
            FederationLog.OutboundAuthenticated(services.Logger, _pair.Local, _pair.Remote, "dialback");
            return Establish();
        }

        // XEP-0220 §2.1.3 (invalid) and §2.4 (error): this domain pair cannot use the stream.
        owner.Refused(StanzaErrorCondition.RemoteServerNotFound, "dialback " + type);
        return NegotiationAction.CloseStream;
    }

    private NegotiationAction Establish()
    {
        _state = OutboundState.Established;
        owner.OnAuthenticated(connection);
        return NegotiationAction.None;
    }

    private void SendHeader() => connection.SendHeader(HeaderAttributes());

    /// <summary>RFC 6120 §4.7.1: 'from' and 'to' name the two domains.</summary>
    private List<XmlAttribute> HeaderAttributes() =>
        [new("from", _pair.Local), new("to", _pair.Remote), new("version", "1.0")];
}
