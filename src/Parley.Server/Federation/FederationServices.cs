using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Connections;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Federation;

/// <summary>What every server-to-server stream shares, inbound or outbound (one instance per server).</summary>
internal sealed class FederationServices(
    IOptions<ParleyOptions> options,
    HostedDomains domains,
    ServerSecret secret,
    CertificateProvider certificates,
    ServerTls tls,
    ISessionDirectory sessions,
    PeerCertificateValidator certificateValidator,
    TimeProvider time,
    ILogger<FederationServices> logger)
{
    /// <summary>XEP-0220 §2.1: the dialback stream header declaration some peers look for.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> HeaderDeclarations = [new("db", Namespaces.Dialback)];

    public ParleyOptions Options { get; } = options.Value;

    public S2sOptions S2s => Options.S2s;

    public HostedDomains Domains { get; } = domains;

    /// <summary>The persisted server secret dialback keys derive from (XEP-0185 §2).</summary>
    public byte[] Secret => secret.Value;

    public CertificateProvider Certificates { get; } = certificates;

    public ServerTls Tls { get; } = tls;

    public ISessionDirectory Sessions { get; } = sessions;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    /// <summary>S2s:DomainPolicies for the domain, else S2s:CertificatePolicy (the latter when the domain is not known yet).</summary>
    public S2sCertificatePolicy PolicyFor(string? domain) => certificateValidator.PolicyFor(domain ?? "");

    /// <summary>
    /// RFC 6125 / RFC 7590: whether a peer's certificate chains to a trusted CA and names its
    /// domain; <paramref name="presented"/> are the intermediates the peer sent (never roots).
    /// </summary>
    public bool IsCertificateValidFor(X509Certificate2? certificate, X509Certificate2Collection? presented, string domain) =>
        certificateValidator.Validate(certificate, presented, domain) == PeerCertificateVerdict.Valid;

    /// <summary>Milliseconds-free elapsed check on <see cref="TimeProvider"/> timestamps.</summary>
    public bool Elapsed(long since, long now, int seconds) => now - since >= seconds * Time.TimestampFrequency;

    /// <summary>A &lt;db:result/&gt; or &lt;db:verify/&gt; element (XEP-0220 §2.1, §2.3).</summary>
    public static Element Dialback(string name, string from, string to, string? type = null, string? id = null, string? key = null)
    {
        var element = new Element(name, Namespaces.Dialback).SetAttribute("from", from).SetAttribute("to", to);
        if (id is not null)
        {
            element.SetAttribute("id", id);
        }

        if (type is not null)
        {
            element.SetAttribute("type", type);
        }

        return key is null ? element : element.AddText(key);
    }
}
