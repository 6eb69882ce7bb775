namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Parley and ejabberd with certificates from a test CA carrying both purposes: SASL EXTERNAL both ways.</summary>
public sealed class EjabberdCertificateFederation() : EjabberdFederation(certificates: true, serverAuthOnly: false);
