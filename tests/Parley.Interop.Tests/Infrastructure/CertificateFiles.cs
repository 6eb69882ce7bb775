namespace Parley.Interop.Tests.Infrastructure;

/// <summary>A PEM certificate and its PEM (PKCS#8) private key on disk.</summary>
internal sealed record CertificateFiles(string CertificatePath, string KeyPath);
