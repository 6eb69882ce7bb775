using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Federation;

/// <summary>
/// Judges a remote server's certificate for the domain it claims (RFC 6120 §13.7.2, RFC 7590 §3.1):
/// a chain to the system's CAs or to those of S2s:CaCertificatesPath, checked at the
/// <see cref="TimeProvider"/>'s time, and a name that matches (<see cref="CertificateIdentity"/>).
/// Revocation is not checked and nothing is downloaded: a verdict never waits on the network.
/// Also gives the certificate policy in force for a domain (S2s:CertificatePolicy, S2s:DomainPolicies).
/// </summary>
internal sealed class PeerCertificateValidator : IDisposable
{
    private readonly TimeProvider _time;
    private readonly X509Certificate2Collection _extraRoots = [];
    private readonly S2sCertificatePolicy _defaultPolicy;
    private readonly FrozenDictionary<string, S2sCertificatePolicy> _domainPolicies;

    public PeerCertificateValidator(IOptions<ParleyOptions> options, TimeProvider time)
    {
        var s2s = options.Value.S2s;
        _time = time;
        if (s2s.CaCertificatesPath.Length != 0)
        {
            _extraRoots.ImportFromPemFile(s2s.CaCertificatesPath);
        }

        // The validator has already refused values that do not parse.
        _defaultPolicy = S2sOptions.TryParsePolicy(s2s.CertificatePolicy, out var policy) ? policy : S2sCertificatePolicy.Dialback;
        var policies = new Dictionary<string, S2sCertificatePolicy>(StringComparer.Ordinal);
        foreach (var (domain, value) in s2s.DomainPolicies)
        {
            if (Precis.TryPrepareDomain(domain, out var prepared) && S2sOptions.TryParsePolicy(value, out var domainPolicy))
            {
                policies[prepared] = domainPolicy;
            }
        }

        _domainPolicies = policies.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The policy for <paramref name="domain"/>: its own from S2s:DomainPolicies, else S2s:CertificatePolicy.</summary>
    public S2sCertificatePolicy PolicyFor(string domain) =>
        Precis.TryPrepareDomain(domain, out var prepared) && _domainPolicies.TryGetValue(prepared, out var policy) ? policy : _defaultPolicy;

    /// <summary>
    /// The verdict on <paramref name="certificate"/> for <paramref name="domain"/>.
    /// <paramref name="presented"/> holds the other certificates the peer sent in its TLS
    /// Certificate message (intermediates), which help build the chain but are never trusted by themselves.
    /// </summary>
    public PeerCertificateVerdict Validate(X509Certificate2? certificate, X509Certificate2Collection? presented, string domain)
    {
        if (certificate is null)
        {
            return PeerCertificateVerdict.Missing;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var trust = Chain(certificate, presented, now, null);
        if (trust == PeerCertificateVerdict.Untrusted && _extraRoots.Count != 0)
        {
            trust = Chain(certificate, presented, now, _extraRoots);
        }

        if (trust != PeerCertificateVerdict.Valid)
        {
            return trust;
        }

        return CertificateIdentity.Matches(certificate, domain) ? PeerCertificateVerdict.Valid : PeerCertificateVerdict.NameMismatch;
    }

    /// <summary>
    /// The certificates a peer sent beside its leaf, as the TLS layer hands them to the validation
    /// callback (the chain's extra store), copied so that they outlive the handshake's chain.
    /// </summary>
    public static X509Certificate2Collection? Presented(X509Chain? chain)
    {
        if (chain is null || chain.ChainPolicy.ExtraStore.Count == 0)
        {
            return null;
        }

        var copies = new X509Certificate2Collection();
        foreach (var certificate in chain.ChainPolicy.ExtraStore)
        {
            copies.Add(X509CertificateLoader.LoadCertificate(certificate.RawData));
        }

        return copies;
    }

    public void Dispose()
    {
        foreach (var root in _extraRoots)
        {
            root.Dispose();
        }
    }

    /// <summary>Builds the chain against the system store (<paramref name="roots"/> null) or against those roots only.</summary>
    private static PeerCertificateVerdict Chain(X509Certificate2 certificate, X509Certificate2Collection? presented, DateTime now, X509Certificate2Collection? roots)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now;
        policy.VerificationTimeIgnored = false;
        if (presented is not null)
        {
            policy.ExtraStore.AddRange(presented);
        }

        if (roots is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(roots);
        }

        if (chain.Build(certificate))
        {
            return PeerCertificateVerdict.Valid;
        }

        // Out of date is told apart only when nothing else is wrong: a self-signed expired
        // certificate is untrusted first.
        var problems = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        return (problems & ~X509ChainStatusFlags.NotTimeValid) == X509ChainStatusFlags.NoError
            ? PeerCertificateVerdict.Expired
            : PeerCertificateVerdict.Untrusted;
    }
}
