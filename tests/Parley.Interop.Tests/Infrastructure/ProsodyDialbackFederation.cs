namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Parley and Prosody with self-signed certificates: TLS, then Server Dialback (XEP-0220) both ways.</summary>
public sealed class ProsodyDialbackFederation() : ProsodyFederation(certificates: false, startParley: true);
