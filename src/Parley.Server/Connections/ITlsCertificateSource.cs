using System.Security.Cryptography.X509Certificates;

namespace Parley.Server.Connections;

/// <summary>The certificate (with its private key) the server presents in TLS handshakes.</summary>
internal interface ITlsCertificateSource
{
    X509Certificate2 GetCertificate();
}
