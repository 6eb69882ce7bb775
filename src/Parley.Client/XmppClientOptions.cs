using System.Net.Security;
using System.Text;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Client;

/// <summary>How an <see cref="XmppClient"/> connects and authenticates.</summary>
public sealed record XmppClientOptions
{
    /// <summary>The account to log in as (a bare JID; a resource here is used as <see cref="Resource"/> when that is unset).</summary>
    public required Jid Jid { get; init; }

    public required string Password { get; init; }

    /// <summary>The host to connect to. Default: the JID's domain (no SRV lookup).</summary>
    public string? Host { get; init; }

    /// <summary>The TCP port. Default: 5222, or 5223 with <see cref="DirectTls"/>.</summary>
    public int? Port { get; init; }

    /// <summary>Start TLS before any XML (XEP-0368) instead of negotiating STARTTLS. Default false.</summary>
    public bool DirectTls { get; init; }

    public TlsPolicy TlsPolicy { get; init; } = TlsPolicy.Required;

    /// <summary>
    /// Accept any server certificate (self-signed test servers). Default false: the certificate must
    /// chain to a trusted root and match the domain, unless <see cref="CertificateValidation"/> decides.
    /// </summary>
    public bool AcceptUntrustedCertificates { get; init; }

    /// <summary>A custom server certificate check, used instead of the platform's when set.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>The resource to request at bind (RFC 6120 §7.6). Default: the server generates one.</summary>
    public string? Resource { get; init; }

    /// <summary>
    /// SASL mechanisms in order of preference, restricting what may be used. Default:
    /// SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS, SCRAM-SHA-256, SCRAM-SHA-1, PLAIN.
    /// </summary>
    public IReadOnlyList<string>? SaslMechanisms { get; init; }

    /// <summary>Allow PLAIN on an unencrypted stream (RFC 6120 §13.8 forbids it by default). Default false.</summary>
    public bool AllowPlainWithoutTls { get; init; }

    /// <summary>Bound on TCP connect plus the whole negotiation. Default 30 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="XmppClient.SendIqAsync"/> waits for the answer. Default 30 s.</summary>
    public TimeSpan IqTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="XmppClient.CloseAsync"/> waits for the server's closing tag (RFC 6120 §4.4). Default 5 s.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Received stanzas held until the application reads them. When full, the client stops reading
    /// the socket (back-pressure, so the server's outbox limit applies) rather than grow. Default 1024.
    /// </summary>
    public int ReceiveQueueCapacity { get; init; } = 1024;

    /// <summary>Stanzas queued for sending before <see cref="XmppClient.SendAsync"/> waits. Default 1024.</summary>
    public int SendQueueCapacity { get; init; } = 1024;

    public XmlLimits XmlLimits { get; init; } = XmlLimits.Default;

    /// <summary>What ToString shows: never the password, so options can be logged safely.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Jid = ").Append(Jid)
            .Append(", Host = ").Append(Host ?? Jid.Domain)
            .Append(", Port = ").Append(Port ?? (DirectTls ? 5223 : 5222))
            .Append(", DirectTls = ").Append(DirectTls)
            .Append(", TlsPolicy = ").Append(TlsPolicy)
            .Append(", Resource = ").Append(Resource);
        return true;
    }
}
