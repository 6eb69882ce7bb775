using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley serve`: runs the server until SIGINT/SIGTERM; SIGHUP reloads the TLS certificates.
/// Standard output gets one line per listening endpoint and then exactly "Parley is ready"; logs go
/// to standard error.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The line scripts and tests wait for: every listener is accepting connections.</summary>
    public const string ReadyLine = "Parley is ready";

    public const string Help = $"""
        Usage: parley serve [options]

        Options:
        {ConfigurationArguments.Help}
          --c2s-port N           client port with STARTTLS (C2sPort; default 5222; 0 disables)
          --c2s-tls-port N       client port with direct TLS (C2sTlsPort; default 5223; 0 disables)
          --bind ADDR            listen on this IP address only (Bind; repeatable; default all)
          --allow-plaintext-auth permit authentication without TLS (AllowPlaintextAuth; tests only)
          --log-format text|json the console log: lines with ISO 8601 timestamps, or one JSON
                                 object per line for log shippers (LogFormat; default text)
          --s2s-port N           server-to-server port (S2s:Port; default 5269; 0 disables)
          --s2s-route DOMAIN=HOST:PORT
                                 reach DOMAIN at HOST:PORT without DNS (S2s:Routes:DOMAIN; repeatable)
          --s2s-cert-policy require|dialback|off
                                 what remote certificates must be (S2s:CertificatePolicy; default dialback)
          --component-port N     external component port, XEP-0114 (Components:Port; default 0: off)
          --component DOMAIN=SECRET
                                 accept the component DOMAIN with this shared secret
                                 (Components:Secrets:DOMAIN; repeatable; a file or PARLEY_* keeps it out of ps)
          --http-port N          plain HTTP port for WebSocket, BOSH, host-meta and uploads, on
                                 loopback only (Http:Port; default 0: off)
          --https-port N         HTTPS port for the same, with the XMPP certificates (Http:TlsPort;
                                 default 0: off)
        """;

    private static readonly Dictionary<string, OptionKind> Accepted = ConfigurationArguments.With(
        ("--c2s-port", OptionKind.Value),
        ("--c2s-tls-port", OptionKind.Value),
        ("--bind", OptionKind.List),
        ("--allow-plaintext-auth", OptionKind.Flag),
        ("--log-format", OptionKind.Value),
        ("--s2s-port", OptionKind.Value),
        ("--s2s-route", OptionKind.List),
        ("--s2s-cert-policy", OptionKind.Value),
        ("--component-port", OptionKind.Value),
        ("--http-port", OptionKind.Value),
        ("--https-port", OptionKind.Value),
        ("--component", OptionKind.List));

    public static async Task<int> RunAsync(IReadOnlyList<string> args, ConsoleStreams console, CancellationToken cancellationToken)
    {
        var arguments = Parse(args);
        if (arguments.Has("--help"))
        {
            await console.Out.WriteAsync(Help).ConfigureAwait(false);
            return Cli.Success;
        }

        arguments.ExpectPositionals(0, 0, "nothing");
        using var host = ServerHost.Build(Configuration(arguments));
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        // A signal stops the host gracefully (connections drained) instead of killing the process.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        // SIGHUP (systemctl reload) re-reads the certificates from disk; other settings need a restart (docs/operations.md).
        var certificates = host.Services.GetRequiredService<CertificateProvider>();
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            certificates.Reload();
        });

        // The database first, outside the host: an unusable one (unreachable, credentials refused,
        // schema too new) is then one line from Cli. The host's own start finds the schema current.
        await host.Services.GetRequiredService<SqlDatabase>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        var endpoints = host.Services.GetRequiredService<ListenerEndpoints>();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception) when (endpoints.DescribeAddressInUse(exception) is { } taken)
        {
            throw new CommandFailedException(taken);
        }

        foreach (var endpoint in endpoints.Endpoints)
        {
            await console.Out.WriteLineAsync($"Listening on {endpoint.Kind} {endpoint.EndPoint}").ConfigureAwait(false);
        }

        await console.Out.WriteLineAsync(ReadyLine).ConfigureAwait(false);
        await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Returns once stopping was requested (signal or cancellation) and the host has stopped.
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return Cli.Success;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            lifetime.StopApplication();
        }
    }

    /// <summary>The configuration `serve` runs with: the shared sources plus this command's options.</summary>
    internal static IConfigurationRoot Configuration(Arguments arguments) => ConfigurationArguments.Build(arguments, Overrides(arguments));

    /// <summary>Parses `serve`'s arguments (usage errors throw <see cref="UsageException"/>).</summary>
    internal static Arguments Parse(IReadOnlyList<string> args) => Arguments.Parse(args, Accepted);

    private static Dictionary<string, string?> Overrides(Arguments arguments)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // Standard output is for the endpoint lines and the ready line only.
            ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
        };
        if (arguments.Integer("--c2s-port") is { } c2s)
        {
            overrides[nameof(ParleyOptions.C2sPort)] = c2s.ToString(CultureInfo.InvariantCulture);
        }

        if (arguments.Integer("--c2s-tls-port") is { } c2sTls)
        {
            overrides[nameof(ParleyOptions.C2sTlsPort)] = c2sTls.ToString(CultureInfo.InvariantCulture);
        }

        ConfigurationArguments.AddList(overrides, nameof(ParleyOptions.Bind), arguments.Values("--bind"));
        if (arguments.Has("--allow-plaintext-auth"))
        {
            overrides[nameof(ParleyOptions.AllowPlaintextAuth)] = "true";
        }

        if (arguments.Value("--log-format") is { } format)
        {
            overrides[nameof(ParleyOptions.LogFormat)] = format;
        }

        if (arguments.Integer("--http-port") is { } httpPort)
        {
            overrides["Http:Port"] = httpPort.ToString(CultureInfo.InvariantCulture);
        }

        if (arguments.Integer("--https-port") is { } httpsPort)
        {
            overrides["Http:TlsPort"] = httpsPort.ToString(CultureInfo.InvariantCulture);
        }

        AddS2s(overrides, arguments);
        AddComponents(overrides, arguments);
        return overrides;
    }

    /// <summary>The federation options, as keys S2s:* (docs/configuration.md).</summary>
    private static void AddS2s(Dictionary<string, string?> overrides, Arguments arguments)
    {
        if (arguments.Integer("--s2s-port") is { } s2s)
        {
            overrides["S2s:Port"] = s2s.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var route in arguments.Values("--s2s-route"))
        {
            var (domain, endpoint) = DomainAssignment("--s2s-route", "DOMAIN=HOST:PORT", route);
            overrides["S2s:Routes:" + domain] = endpoint.Trim();
        }

        if (arguments.Value("--s2s-cert-policy") is { } policy)
        {
            overrides["S2s:CertificatePolicy"] = policy;
        }
    }

    /// <summary>The external component options (XEP-0114), as keys Components:* (docs/configuration.md).</summary>
    private static void AddComponents(Dictionary<string, string?> overrides, Arguments arguments)
    {
        if (arguments.Integer("--component-port") is { } port)
        {
            overrides["Components:Port"] = port.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var component in arguments.Values("--component"))
        {
            // The secret is taken as written: it may hold '=' or spaces.
            var (domain, secret) = DomainAssignment("--component", "DOMAIN=SECRET", component);
            overrides["Components:Secrets:" + domain] = secret;
        }
    }

    /// <summary>
    /// Splits DOMAIN=VALUE. A domain never contains '=' or ':', so the first '=' ends it; both parts
    /// must be non-empty, and the options validate them.
    /// </summary>
    private static (string Domain, string Value) DomainAssignment(string option, string form, string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == argument.Length - 1 || argument.AsSpan(0, equals).Contains(':'))
        {
            throw new UsageException($"option '{option}' needs {form}, not '{argument}'");
        }

        return (argument[..equals].Trim(), argument[(equals + 1)..]);
    }
}
