using System.Net;

namespace Parley.Server.Hosting;

/// <summary>One bound listener: its kind ("c2s" for STARTTLS, "c2s-tls" for XEP-0368 direct TLS) and address.</summary>
public sealed record ListenerEndpoint(string Kind, IPEndPoint EndPoint);
