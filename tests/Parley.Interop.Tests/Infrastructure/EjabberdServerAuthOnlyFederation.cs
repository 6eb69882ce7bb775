namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Parley and ejabberd with certificates from a test CA carrying serverAuth only (as public CAs issue
/// them since 2026): SASL EXTERNAL from ejabberd to Parley, dialback after a refused EXTERNAL the other way.
/// </summary>
public sealed class EjabberdServerAuthOnlyFederation() : EjabberdFederation(certificates: true, serverAuthOnly: true);
