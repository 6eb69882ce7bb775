using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parley.Server.Hosting;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley serve`: runs the server until SIGINT/SIGTERM. Standard output gets one line per
/// listening endpoint and then exactly "Parley is ready"; logs go to standard error.
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
        """;

    private static readonly Dictionary<string, OptionKind> Accepted = ConfigurationArguments.With(
        ("--c2s-port", OptionKind.Value),
        ("--c2s-tls-port", OptionKind.Value),
        ("--bind", OptionKind.List),
        ("--allow-plaintext-auth", OptionKind.Flag));

    public static async Task<int> RunAsync(IReadOnlyList<string> args, ConsoleStreams console, CancellationToken cancellationToken)
    {
        var arguments = Arguments.Parse(args, Accepted);
        if (arguments.Has("--help"))
        {
            await console.Out.WriteAsync(Help).ConfigureAwait(false);
            return Cli.Success;
        }

        arguments.ExpectPositionals(0, 0, "nothing");
        using var host = ServerHost.Build(ConfigurationArguments.Build(arguments, Overrides(arguments)));
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        // A signal stops the host gracefully (connections drained) instead of killing the process.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        foreach (var endpoint in host.Services.GetRequiredService<ListenerEndpoints>().Endpoints)
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

    private static Dictionary<string, string?> Overrides(Arguments arguments)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // Standard output is for the endpoint lines and the ready line only.
            ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss ",
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

        return overrides;
    }
}
