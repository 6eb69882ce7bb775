namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Prosody and its DNS server with CA-issued certificates, Parley not started: the fixture checking itself.</summary>
public sealed class ProsodyOnly() : ProsodyFederation(certificates: true, startParley: false);
