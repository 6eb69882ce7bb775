using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

/// <summary>Hosting log messages; certificates and options use event IDs 690-699.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 690, Level = LogLevel.Information, Message = "Using TLS certificate {Subject} ({Thumbprint}) from {Path}, valid until {NotAfter:u}")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string thumbprint, string path, DateTime notAfter);

    [LoggerMessage(EventId = 691, Level = LogLevel.Warning, Message = "Generated a self-signed TLS certificate for {Domains} at {Path}, valid until {NotAfter:u}; clients will not trust it without configuration")]
    public static partial void CertificateGenerated(ILogger logger, string domains, string path, DateTime notAfter);

    [LoggerMessage(EventId = 692, Level = LogLevel.Warning, Message = "The generated certificate {Path} cannot be read; making a new one")]
    public static partial void GeneratedCertificateUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 693, Level = LogLevel.Information, Message = "Reloaded the TLS certificates (SIGHUP): {Changes}")]
    public static partial void CertificatesReloaded(ILogger logger, string changes);

    [LoggerMessage(EventId = 694, Level = LogLevel.Error, Message = "Could not reload the TLS certificates (SIGHUP); still using the previous ones: {Reason}")]
    public static partial void CertificateReloadFailed(ILogger logger, string reason);
}
