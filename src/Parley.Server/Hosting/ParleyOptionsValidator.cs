using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Parley.Server.Federation;

namespace Parley.Server.Hosting;

/// <summary>
/// Refuses a configuration that cannot work, at start and naming the key, rather than failing at
/// the first connection. Runs after <see cref="ParleyOptionsSetup"/>.
/// </summary>
internal sealed class ParleyOptionsValidator : IValidateOptions<ParleyOptions>
{
    public ValidateOptionsResult Validate(string? name, ParleyOptions options)
    {
        var failures = new List<string>();
        ValidateDomains(options, failures);

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("DataDirectory must not be empty.");
        }

        if (!string.Equals(options.LogFormat, ConsoleLogging.Text, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.LogFormat, ConsoleLogging.Json, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"LogFormat must be \"text\" or \"json\" (is \"{options.LogFormat}\").");
        }

        ValidatePort(nameof(ParleyOptions.C2sPort), options.C2sPort, failures);
        ValidatePort(nameof(ParleyOptions.C2sTlsPort), options.C2sTlsPort, failures);
        if (options.C2sPort != 0 && options.C2sPort == options.C2sTlsPort)
        {
            failures.Add($"C2sPort and C2sTlsPort are both {options.C2sPort}; give each listener its own port (0 disables one).");
        }

        for (var i = 0; i < options.Bind.Count; i++)
        {
            if (!IPAddress.TryParse(options.Bind[i], out _))
            {
                failures.Add($"Bind:{i} '{options.Bind[i]}' is not an IPv4 or IPv6 address.");
            }
        }

        ValidateTls(options, failures);
        ValidateS2s(options, failures);
        ValidateComponents(options, failures);
        ValidateMuc(options.Muc, failures);
        ValidateHttp(options, failures);

        if (Storage.SqlProviderFactory.Check(options.Storage.Provider, options.Storage.ConnectionString) is { } storageProblem)
        {
            failures.Add(storageProblem);
        }

        ValidatePositive("Storage:BusyTimeoutSeconds", options.Storage.BusyTimeoutSeconds, failures);
        ValidatePositive("Limits:MaxStanzaBytes", options.Limits.MaxStanzaBytes, failures);
        ValidatePositive("Limits:MaxDepth", options.Limits.MaxDepth, failures);
        ValidatePositive("Limits:NegotiationTimeoutSeconds", options.Limits.NegotiationTimeoutSeconds, failures);
        ValidatePositive("Limits:OutboundQueueLength", options.Limits.OutboundQueueLength, failures);
        ValidatePositive("Limits:MaxResourcesPerAccount", options.Limits.MaxResourcesPerAccount, failures);
        ValidatePositive("Limits:MaxOfflineMessages", options.Limits.MaxOfflineMessages, failures);
        if (options.Limits.MaxOfflineBytes <= 0)
        {
            failures.Add($"Limits:MaxOfflineBytes must be positive (is {options.Limits.MaxOfflineBytes}).");
        }
        ValidatePositive("Limits:MaxBlocklistItems", options.Limits.MaxBlocklistItems, failures);
        ValidatePositive("Limits:MaxVCardBytes", options.Limits.MaxVCardBytes, failures);
        ValidatePositive("Limits:MaxPrivateXmlBytes", options.Limits.MaxPrivateXmlBytes, failures);
        ValidatePositive("Limits:MaxRosterItems", options.Limits.MaxRosterItems, failures);
        ValidatePositive("Limits:MaxPendingSubscriptions", options.Limits.MaxPendingSubscriptions, failures);
        ValidatePositive("Limits:MaxPendingSubscriptionsPerDomain", options.Limits.MaxPendingSubscriptionsPerDomain, failures);
        ValidatePositive("Limits:MaxSubscriptionStatusBytes", options.Limits.MaxSubscriptionStatusBytes, failures);
        ValidatePositive("Limits:MaxSubscriptionRequestBytes", options.Limits.MaxSubscriptionRequestBytes, failures);
        ValidateHardening(options.Limits, failures);
        ValidateArchive(options.Archive, failures);
        ValidatePositive("Pep:MaxItemBytes", options.Pep.MaxItemBytes, failures);
        ValidatePositive("Pep:MaxNodes", options.Pep.MaxNodes, failures);
        ValidatePositive("Pep:MaxItemsPerNode", options.Pep.MaxItemsPerNode, failures);
        ValidatePositive("Pep:MaxContactResources", options.Pep.MaxContactResources, failures);
        ValidatePositive("Pep:MaxCachedCaps", options.Pep.MaxCachedCaps, failures);
        ValidatePositive("Pep:CapsQueryTimeoutSeconds", options.Pep.CapsQueryTimeoutSeconds, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateArchive(ArchiveOptions archive, List<string> failures)
    {
        if (!Modules.Archive.ArchivePreferences.TryParsePolicy(archive.DefaultPolicy, out _))
        {
            failures.Add($"Archive:DefaultPolicy '{archive.DefaultPolicy}' is not one of always, never, roster.");
        }

        if (archive.RetentionDays < 0)
        {
            failures.Add($"Archive:RetentionDays must be 0 (keep forever) or more; it is {archive.RetentionDays}.");
        }

        ValidatePositive("Archive:RetentionIntervalMinutes", archive.RetentionIntervalMinutes, failures);
        ValidatePositive("Archive:MaxPageSize", archive.MaxPageSize, failures);
        ValidatePositive("Archive:DefaultPageSize", archive.DefaultPageSize, failures);
        if (archive.DefaultPageSize > archive.MaxPageSize)
        {
            failures.Add($"Archive:DefaultPageSize ({archive.DefaultPageSize}) must not exceed Archive:MaxPageSize ({archive.MaxPageSize}).");
        }

        ValidatePositive("Archive:MaxPreferenceJids", archive.MaxPreferenceJids, failures);
        ValidatePositive("Archive:WriteBatchSize", archive.WriteBatchSize, failures);
        ValidatePositive("Archive:WriteQueueLength", archive.WriteQueueLength, failures);
        ValidatePositive("Archive:WriteIntervalMilliseconds", archive.WriteIntervalMilliseconds, failures);
    }

    private static void ValidateHardening(LimitOptions limits, List<string> failures)
    {
        ValidatePositive("Limits:IdleProbeSeconds", limits.IdleProbeSeconds, failures);
        if (limits.IdleTimeoutSeconds <= limits.IdleProbeSeconds)
        {
            failures.Add($"Limits:IdleTimeoutSeconds ({limits.IdleTimeoutSeconds}) must be greater than Limits:IdleProbeSeconds ({limits.IdleProbeSeconds}), so the probe comes first.");
        }

        ValidatePositive("Limits:MaxConnections", limits.MaxConnections, failures);
        ValidatePositive("Limits:MaxConnectionsPerIp", limits.MaxConnectionsPerIp, failures);
        ValidatePositive("Limits:ReadBytesPerSecond", limits.ReadBytesPerSecond, failures);
        ValidatePositive("Limits:ReadBurstBytes", limits.ReadBurstBytes, failures);
        ValidatePositive("Limits:AuthFailuresBeforeDelay", limits.AuthFailuresBeforeDelay, failures);
        ValidatePositive("Limits:AuthMaxDelaySeconds", limits.AuthMaxDelaySeconds, failures);
        ValidatePositive("Limits:AuthFailureWindowSeconds", limits.AuthFailureWindowSeconds, failures);
        ValidatePositive("Limits:AuthThrottleEntries", limits.AuthThrottleEntries, failures);
        if (limits.MaxAuthAttemptsPerStream is < 3 or > 6)
        {
            // RFC 6120 §6.4.5: "at least 2 and no more than 5" retries after the first attempt.
            failures.Add($"Limits:MaxAuthAttemptsPerStream must be 3 to 6 (RFC 6120 §6.4.5 allows 2 to 5 retries; is {limits.MaxAuthAttemptsPerStream}).");
        }

        ValidatePositive("Limits:RegistrationsPerIpPerHour", limits.RegistrationsPerIpPerHour, failures);
        ValidatePositive("Limits:RegistrationAttemptsPerIpPerHour", limits.RegistrationAttemptsPerIpPerHour, failures);
        ValidatePositive("Limits:RegistrationAttemptsPerStream", limits.RegistrationAttemptsPerStream, failures);
        ValidatePositive("Limits:PasswordChangesPerAccountPerHour", limits.PasswordChangesPerAccountPerHour, failures);
        ValidatePositive("Limits:MaxElementsPerStanza", limits.MaxElementsPerStanza, failures);
        ValidatePositive("Limits:MaxAttributesPerElement", limits.MaxAttributesPerElement, failures);
        ValidatePositive("Limits:MaxAttributeValueBytes", limits.MaxAttributeValueBytes, failures);
        ValidatePositive("Limits:MaxTextBytes", limits.MaxTextBytes, failures);
        ValidatePositive("Limits:MaxNamespaceDeclarationsPerElement", limits.MaxNamespaceDeclarationsPerElement, failures);
        ValidatePositive("Limits:MaxNamespaceDeclarationsInScope", limits.MaxNamespaceDeclarationsInScope, failures);
    }

    private static void ValidateDomains(ParleyOptions options, List<string> failures)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Domains.Count; i++)
        {
            var domain = options.Domains[i];
            if (!ParleyOptionsSetup.TryPrepareDomain(domain, out var prepared))
            {
                failures.Add($"Domains:{i} '{domain}' is not a valid domain name (RFC 7622 §3.2).");
            }
            else if (!seen.Add(prepared))
            {
                failures.Add($"Domains:{i} '{domain}' is listed more than once.");
            }
        }
    }

    private static void ValidateTls(ParleyOptions options, List<string> failures)
    {
        var tls = options.Tls;
        if (tls.CertificatePath.Length == 0)
        {
            if (tls.KeyPath.Length != 0)
            {
                failures.Add("Tls:KeyPath is set but Tls:CertificatePath is not.");
            }
        }
        else
        {
            ValidateCertificateFiles("Tls", tls.CertificatePath, tls.KeyPath, failures);
        }

        foreach (var (domain, certificate) in tls.Domains)
        {
            var key = "Tls:Domains:" + domain;
            if (!ParleyOptionsSetup.TryPrepareDomain(domain, out var prepared) || !options.Domains.Contains(prepared))
            {
                // A certificate for a domain nobody can ask for is a typo, not a choice.
                failures.Add($"{key} is not a hosted domain (Domains).");
            }
            else if (certificate.CertificatePath.Length == 0)
            {
                failures.Add($"{key}:CertificatePath must be set.");
            }
            else
            {
                ValidateCertificateFiles(key, certificate.CertificatePath, certificate.KeyPath, failures);
            }
        }
    }

    private static void ValidateCertificateFiles(string prefix, string certificatePath, string keyPath, List<string> failures)
    {
        if (!File.Exists(certificatePath))
        {
            failures.Add($"{prefix}:CertificatePath '{certificatePath}' does not exist.");
        }

        if (keyPath.Length != 0 && !File.Exists(keyPath))
        {
            failures.Add($"{prefix}:KeyPath '{keyPath}' does not exist.");
        }
    }

    private static void ValidateS2s(ParleyOptions options, List<string> failures)
    {
        var s2s = options.S2s;
        ValidatePort("S2s:Port", s2s.Port, failures);
        if (s2s.Port != 0 && (s2s.Port == options.C2sPort || s2s.Port == options.C2sTlsPort))
        {
            failures.Add($"S2s:Port {s2s.Port} is also a client port; give each listener its own port (0 disables one).");
        }

        foreach (var (domain, route) in s2s.Routes)
        {
            if (!ParleyOptionsSetup.TryPrepareDomain(domain, out _))
            {
                failures.Add($"S2s:Routes:{domain} is not a valid domain name (RFC 7622 §3.2).");
            }
            else if (!S2sEndpoint.TryParseRoute(route, out _))
            {
                failures.Add($"S2s:Routes:{domain} '{route}' is not host:port (a name or IP address, IPv6 in brackets, and a port from 1 to 65535).");
            }
        }

        if (!S2sOptions.TryParsePolicy(s2s.CertificatePolicy, out _))
        {
            failures.Add($"S2s:CertificatePolicy '{s2s.CertificatePolicy}' is not one of require, dialback, off.");
        }

        foreach (var (domain, policy) in s2s.DomainPolicies)
        {
            if (!ParleyOptionsSetup.TryPrepareDomain(domain, out _))
            {
                failures.Add($"S2s:DomainPolicies:{domain} is not a valid domain name (RFC 7622 §3.2).");
            }
            else if (!S2sOptions.TryParsePolicy(policy, out _))
            {
                failures.Add($"S2s:DomainPolicies:{domain} '{policy}' is not one of require, dialback, off.");
            }
        }

        if (s2s.CaCertificatesPath.Length != 0)
        {
            ValidateCaBundle(s2s.CaCertificatesPath, failures);
        }

        ValidatePositive("S2s:ConnectTimeoutSeconds", s2s.ConnectTimeoutSeconds, failures);
        ValidatePositive("S2s:IdleTimeoutSeconds", s2s.IdleTimeoutSeconds, failures);
        ValidatePositive("S2s:MaxQueuedStanzas", s2s.MaxQueuedStanzas, failures);
        ValidatePositive("S2s:DialbackTimeoutSeconds", s2s.DialbackTimeoutSeconds, failures);
        ValidatePositive("S2s:MaxOutboundConnections", s2s.MaxOutboundConnections, failures);
        ValidatePositive("S2s:MaxOutboundConnectionsPerAddress", s2s.MaxOutboundConnectionsPerAddress, failures);
        ValidatePositive("S2s:MaxPendingVerificationsPerStream", s2s.MaxPendingVerificationsPerStream, failures);
    }

    private static void ValidateMuc(MucOptions muc, List<string> failures)
    {
        if (!Parley.Xmpp.Addressing.Jid.TryCreate(null, muc.Subdomain + ".example", null, out _) || muc.Subdomain.Contains('.', StringComparison.Ordinal))
        {
            failures.Add($"Muc:Subdomain '{muc.Subdomain}' is not one DNS label.");
        }

        if (muc.CreateRooms is not ("everyone" or "local" or "admins"))
        {
            failures.Add($"Muc:CreateRooms '{muc.CreateRooms}' is not one of everyone, local, admins.");
        }

        for (var i = 0; i < muc.Admins.Count; i++)
        {
            if (!Parley.Xmpp.Addressing.Jid.TryParse(muc.Admins[i], out var admin) || admin.Resource is not null)
            {
                failures.Add($"Muc:Admins:{i} '{muc.Admins[i]}' is not a bare JID.");
            }
        }

        ValidateRange("Muc:MaxRoomsPerOwner", muc.MaxRoomsPerOwner, 1, 10000, failures);
        ValidateRange("Muc:MaxOccupantsPerRoom", muc.MaxOccupantsPerRoom, 1, 100000, failures);
        ValidateRange("Muc:MessagesPerSecond", muc.MessagesPerSecond, 1, 10000, failures);
        ValidateRange("Muc:MessageBurst", muc.MessageBurst, 1, 10000, failures);
        ValidateRange("Muc:HistoryLength", muc.HistoryLength, 0, 1000, failures);
    }

    private static void ValidateHttp(ParleyOptions options, List<string> failures)
    {
        var http = options.Http;
        ValidatePort("Http:Port", http.Port, failures);
        ValidatePort("Http:TlsPort", http.TlsPort, failures);
        int[] others = [options.C2sPort, options.C2sTlsPort, options.S2s.Port, options.Components.Port];
        foreach (var (key, port) in new[] { ("Http:Port", http.Port), ("Http:TlsPort", http.TlsPort) })
        {
            if (port != 0 && (others.Contains(port) || (key == "Http:Port" && port == http.TlsPort)))
            {
                failures.Add($"{key} {port} is also the port of another listener; give each listener its own port (0 disables one).");
            }
        }

        for (var i = 0; i < http.AllowedOrigins.Count; i++)
        {
            var origin = http.AllowedOrigins[i];
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"))
            {
                failures.Add($"Http:AllowedOrigins:{i} '{origin}' is not an origin (scheme://host[:port]) or \"*\".");
            }
        }

        if (http.PublicUrl.Length > 0 && !(Uri.TryCreate(http.PublicUrl, UriKind.Absolute, out var publicUrl) && publicUrl.Scheme is "http" or "https"))
        {
            failures.Add($"Http:PublicUrl '{http.PublicUrl}' is not an http or https URL.");
        }

        ValidatePositive("Http:RequestsPerSecond", http.RequestsPerSecond, failures);
        ValidatePositive("Http:RequestBurst", http.RequestBurst, failures);
        ValidateRange("Http:MaxRequestBodyBytes", http.MaxRequestBodyBytes, 0, 64 * 1024 * 1024, failures);
        var bosh = http.Bosh;
        ValidateRange("Http:Bosh:MaxWaitSeconds", bosh.MaxWaitSeconds, 1, 3600, failures);
        ValidateRange("Http:Bosh:MaxHold", bosh.MaxHold, 0, 16, failures);
        ValidateRange("Http:Bosh:InactivitySeconds", bosh.InactivitySeconds, 1, 3600, failures);
        ValidateRange("Http:Bosh:PollingSeconds", bosh.PollingSeconds, 0, 3600, failures);
        ValidateRange("Http:Bosh:MaxPauseSeconds", bosh.MaxPauseSeconds, 0, 86400, failures);
        ValidateRange("Http:Bosh:MaxSessions", bosh.MaxSessions, 1, 10_000_000, failures);
        ValidateRange("Http:Bosh:MaxPendingBytes", bosh.MaxPendingBytes, 4096, 64 * 1024 * 1024, failures);
    }

    private static void ValidateRange(string key, int value, int min, int max, List<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} is {value}; it must be {min} to {max}.");
        }
    }

    private static void ValidateComponents(ParleyOptions options, List<string> failures)
    {
        var components = options.Components;
        ValidatePort("Components:Port", components.Port, failures);
        if (components.Port != 0 && (components.Port == options.C2sPort || components.Port == options.C2sTlsPort || components.Port == options.S2s.Port))
        {
            failures.Add($"Components:Port {components.Port} is also the port of another listener; give each listener its own port (0 disables one).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (domain, secret) in components.Secrets)
        {
            var key = "Components:Secrets:" + domain;
            if (!ParleyOptionsSetup.TryPrepareDomain(domain, out var prepared))
            {
                failures.Add($"{key} is not a valid domain name (RFC 7622 §3.2).");
            }
            else if (options.Domains.Contains(prepared))
            {
                // One host, one kind: a user domain cannot also be a component's.
                failures.Add($"{key} is a user domain (Domains); a component needs a domain of its own.");
            }
            else if (!seen.Add(prepared))
            {
                failures.Add($"{key} is listed more than once.");
            }
            else if (string.IsNullOrEmpty(secret))
            {
                failures.Add($"{key} must be a non-empty shared secret.");
            }
        }
    }

    private static void ValidateCaBundle(string path, List<string> failures)
    {
        if (!File.Exists(path))
        {
            failures.Add($"S2s:CaCertificatesPath '{path}' does not exist.");
            return;
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
            if (certificates.Count == 0)
            {
                failures.Add($"S2s:CaCertificatesPath '{path}' holds no PEM certificate.");
            }
        }
        catch (CryptographicException exception)
        {
            failures.Add($"S2s:CaCertificatesPath '{path}' is not a PEM certificate bundle: {exception.Message}");
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private static void ValidatePort(string key, int port, List<string> failures)
    {
        if (port is < 0 or > 65535)
        {
            failures.Add($"{key} {port} is not a port number (0 to 65535, 0 disables the listener).");
        }
    }

    private static void ValidatePositive(string key, int value, List<string> failures)
    {
        if (value <= 0)
        {
            failures.Add($"{key} must be greater than 0 (is {value}).");
        }
    }
}
