namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Parley and ejabberd with self-signed certificates: TLS, then Server Dialback (XEP-0220) both ways, with the db: prefix.</summary>
public sealed class EjabberdDialbackFederation() : EjabberdFederation(certificates: false, serverAuthOnly: false);
