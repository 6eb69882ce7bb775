using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Parley.Server.Federation;
using Parley.Server.Hosting;
using static Parley.Server.Tests.Federation.TestCertificates;

namespace Parley.Server.Tests.Federation;

/// <summary>RFC 7590 §3.1 / RFC 6120 §13.7.2: trust, dates and names of a remote server's certificate, with a CA made here.</summary>
public sealed class PeerCertificateValidatorTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly string _caPath = Path.GetTempFileName();
    private readonly X509Certificate2 _root = Authority("Parley Test Root");
    private readonly X509Certificate2 _intermediate;

    public PeerCertificateValidatorTests()
    {
        _intermediate = Authority("Parley Test Intermediate", _root);
        WritePem(_caPath, _root);
    }

    public void Dispose()
    {
        _intermediate.Dispose();
        _root.Dispose();
        File.Delete(_caPath);
    }

    [Fact]
    public void A_certificate_from_the_configured_ca_naming_the_domain_is_valid()
    {
        using var peer = Issue(_root, ["prosody.example", "conference.prosody.example"]);
        using var validator = Validator();

        Assert.Equal(PeerCertificateVerdict.Valid, validator.Validate(peer, null, "prosody.example"));
        Assert.Equal(PeerCertificateVerdict.Valid, validator.Validate(peer, null, "Conference.Prosody.Example"));
        Assert.Equal(PeerCertificateVerdict.NameMismatch, validator.Validate(peer, null, "parley.example"));
    }

    [Fact]
    public void No_certificate_is_missing()
    {
        using var validator = Validator();

        Assert.Equal(PeerCertificateVerdict.Missing, validator.Validate(null, null, "prosody.example"));
    }

    [Fact]
    public void Without_the_ca_configured_only_the_system_store_counts()
    {
        using var peer = Issue(_root, ["prosody.example"]);
        using var validator = Validator(ca: false);

        Assert.Equal(PeerCertificateVerdict.Untrusted, validator.Validate(peer, null, "prosody.example"));
    }

    [Fact]
    public void Self_signed_is_untrusted_even_when_it_names_the_domain()
    {
        using var peer = SelfSigned("CN=prosody.example", DnsNames("prosody.example"));
        using var validator = Validator();

        Assert.Equal(PeerCertificateVerdict.Untrusted, validator.Validate(peer, null, "prosody.example"));
    }

    [Fact]
    public void Another_ca_is_untrusted()
    {
        using var stranger = Authority("Somebody Else's CA");
        using var peer = Issue(stranger, ["prosody.example"]);
        using var validator = Validator();

        Assert.Equal(PeerCertificateVerdict.Untrusted, validator.Validate(peer, [stranger], "prosody.example"));
    }

    [Fact]
    public void The_intermediate_the_peer_sends_completes_the_chain()
    {
        using var peer = Issue(_intermediate, ["prosody.example"]);
        using var validator = Validator();

        // Nothing is downloaded (no AIA fetching): without the intermediate there is no chain.
        Assert.Equal(PeerCertificateVerdict.Untrusted, validator.Validate(peer, null, "prosody.example"));
        Assert.Equal(PeerCertificateVerdict.Valid, validator.Validate(peer, [_intermediate], "prosody.example"));
    }

    [Fact]
    public void Dates_are_checked_at_the_time_providers_now()
    {
        using var peer = Issue(_root, ["prosody.example"], Now.AddDays(-1), Now.AddDays(30));

        using (var validator = Validator(time: Now.AddDays(31)))
        {
            Assert.Equal(PeerCertificateVerdict.Expired, validator.Validate(peer, null, "prosody.example"));
        }

        using (var validator = Validator(time: Now.AddDays(-2)))
        {
            Assert.Equal(PeerCertificateVerdict.Expired, validator.Validate(peer, null, "prosody.example"));
        }

        using (var validator = Validator(time: Now.AddDays(29)))
        {
            Assert.Equal(PeerCertificateVerdict.Valid, validator.Validate(peer, null, "prosody.example"));
        }
    }

    [Fact]
    public void An_expired_certificate_from_an_unknown_ca_is_untrusted_first()
    {
        using var peer = Issue(_root, ["prosody.example"], Now.AddDays(-10), Now.AddDays(-1));
        using var validator = Validator(ca: false);

        Assert.Equal(PeerCertificateVerdict.Untrusted, validator.Validate(peer, null, "prosody.example"));
    }

    [Fact]
    public void The_policy_of_a_domain_is_its_own_else_the_default()
    {
        var options = new ParleyOptions();
        options.S2s.CertificatePolicy = "require";
        options.S2s.DomainPolicies["Legacy.Example."] = "dialback";
        options.S2s.DomainPolicies["xn--bcher-kva.example"] = "OFF";
        using var validator = new PeerCertificateValidator(Options.Create(options), TimeProvider.System);

        Assert.Equal(S2sCertificatePolicy.Require, validator.PolicyFor("prosody.example"));
        Assert.Equal(S2sCertificatePolicy.Dialback, validator.PolicyFor("legacy.example"));
        Assert.Equal(S2sCertificatePolicy.Off, validator.PolicyFor("BÜCHER.example"));
        Assert.Equal(S2sCertificatePolicy.Dialback, new PeerCertificateValidator(Options.Create(new ParleyOptions()), TimeProvider.System).PolicyFor("any.example"));
    }

    private PeerCertificateValidator Validator(bool ca = true, DateTimeOffset? time = null)
    {
        var options = new ParleyOptions();
        options.S2s.CaCertificatesPath = ca ? _caPath : "";
        return new PeerCertificateValidator(Options.Create(options), time is { } at ? new FixedTime(at) : TimeProvider.System);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
