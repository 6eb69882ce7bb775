namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Parley and Prosody with certificates from a test CA: both directions authenticate with SASL EXTERNAL.</summary>
public sealed class ProsodyCertificateFederation() : ProsodyFederation(certificates: true, startParley: true);
