namespace Parley.Server.Hosting;

/// <summary>
/// The certificate of one hosted domain (keys Tls:Domains:&lt;domain&gt;:*), presented when a peer
/// asks for that domain by SNI or by its stream header's `to`, instead of the default certificate.
/// </summary>
public sealed class DomainCertificateOptions
{
    /// <summary>A PKCS#12 or PEM certificate file (told apart by content) with its private key; required and must exist.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>The PEM private key when CertificatePath is a PEM certificate. Default empty: the key is in the certificate file.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>Password of a PKCS#12 file, or of an encrypted PEM key. Default empty (none). Never logged.</summary>
    public string CertificatePassword { get; set; } = "";
}
