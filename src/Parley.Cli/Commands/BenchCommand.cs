using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Parley.Cli.Bench;
using Parley.Xmpp.Sasl;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley bench MODE`: the load generator of the side-by-side benchmark (bench/compare.sh) and
/// the floor relay it is compared with. Each load prints one line for people and one RESULT line
/// of key=value pairs for scripts.
/// </summary>
internal static class BenchCommand
{
    /// <summary>What `bench floor` prints once it accepts connections.</summary>
    public const string FloorReadyLine = "Floor relay is ready";

    public const string Help = $"""
        Usage: parley bench MODE [options]

        Modes:
          register     create PREFIX1..PREFIXN (--data: in a Parley data folder; else in-band, XEP-0077)
          logins       connect, authenticate, bind, presence, close in a loop (--concurrency loops)
          throughput   --pairs sender->receiver pairs, closed loop with --window messages in flight
          latency      --rate messages/s over --pairs pairs: p50, p99, max
          idle         hold --sessions bound sessions; with --server-pid, KiB of server RSS per session
          offline      --concurrency senders store messages for the other (offline) users, then
                       those log in and take them: stored and delivered msg/s (XEP-0160)
          roster       --concurrency users fetch their 20-item roster in a loop: p50, p99, max
          floor        run the floor relay on --host:--port (canned login, relays by 'to' unparsed)

        Options (defaults in brackets):
          --host ADDR          server address [127.0.0.1]
          --port N             server port [5222]
          --domain NAME        the XMPP domain [localhost]
          --users N            accounts PREFIX1..PREFIXN [1000]
          --user-prefix P      [user]      --password P   [pw]
          --pairs N            [50]        --window N     [64]        --rate N   [2000]
          --seconds S          measured seconds (floor: run time, 0 until stopped) [10]
          --warmup S           seconds before measuring [2]
          --concurrency N      parallel logins [50]        --sessions N   idle sessions [2000]
          --logins N           logins mode: N logins timed from first to last (no warm-up)
          --tls on|off         STARTTLS before authenticating [off]
          --websocket PORT     connect over RFC 7395 WebSocket (ws://HOST:PORT/xmpp-websocket) instead of TCP
          --mechanism M        PLAIN, SCRAM-SHA-256 or SCRAM-SHA-1 [PLAIN]
          --server-pid PID     read the server's CPU and RSS from /proc
        {ConfigurationArguments.Help}
        """;

    private static readonly Dictionary<string, OptionKind> Accepted = ConfigurationArguments.With(
        ("--host", OptionKind.Value),
        ("--port", OptionKind.Value),
        ("--users", OptionKind.Value),
        ("--user-prefix", OptionKind.Value),
        ("--password", OptionKind.Value),
        ("--pairs", OptionKind.Value),
        ("--window", OptionKind.Value),
        ("--rate", OptionKind.Value),
        ("--seconds", OptionKind.Value),
        ("--warmup", OptionKind.Value),
        ("--concurrency", OptionKind.Value),
        ("--logins", OptionKind.Value),
        ("--sessions", OptionKind.Value),
        ("--tls", OptionKind.Value),
        ("--websocket", OptionKind.Value),
        ("--mechanism", OptionKind.Value),
        ("--server-pid", OptionKind.Value));

    public static async Task<int> RunAsync(IReadOnlyList<string> args, ConsoleStreams console, CancellationToken cancellationToken)
    {
        var arguments = Arguments.Parse(args, Accepted);
        if (arguments.Has("--help"))
        {
            await console.Out.WriteAsync(Help).ConfigureAwait(false);
            return Cli.Success;
        }

        arguments.ExpectPositionals(1, 1, "bench mode (register, logins, throughput, latency, idle, offline, roster or floor)");
        var settings = Settings(arguments);
        switch (arguments.Positionals[0])
        {
            case "register" when arguments.Has("--data") || arguments.Has("--config"):
                await RegisterLoad.RunDirectAsync(settings, ConfigurationArguments.Build(arguments, []), console.Out, cancellationToken).ConfigureAwait(false);
                break;
            case "register":
                await RegisterLoad.RunInBandAsync(settings, console.Out, console.Error, cancellationToken).ConfigureAwait(false);
                break;
            case "logins":
                await LoginLoad.RunAsync(settings, console.Out, console.Error, cancellationToken).ConfigureAwait(false);
                break;
            case "throughput":
                await ThroughputLoad.RunAsync(settings, console.Out, cancellationToken).ConfigureAwait(false);
                break;
            case "latency":
                await LatencyLoad.RunAsync(settings, console.Out, cancellationToken).ConfigureAwait(false);
                break;
            case "offline":
                await OfflineLoad.RunAsync(settings, console.Out, cancellationToken).ConfigureAwait(false);
                break;
            case "roster":
                await RosterLoad.RunAsync(settings, console.Out, cancellationToken).ConfigureAwait(false);
                break;
            case "idle":
                await IdleLoad.RunAsync(settings, console.Out, console.Error, cancellationToken).ConfigureAwait(false);
                break;
            case "floor":
                await RunFloorAsync(settings, arguments.Has("--seconds"), console, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new UsageException($"unknown bench mode '{arguments.Positionals[0]}'");
        }

        return Cli.Success;
    }

    private static async Task RunFloorAsync(BenchSettings settings, bool timed, ConsoleStreams console, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(settings.Host, out var address))
        {
            throw new UsageException($"option '--host' needs an IP address for the floor, not '{settings.Host}'");
        }

        await using var relay = new FloorRelay(new IPEndPoint(address, settings.Port), settings.Domain);
        relay.Start();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await console.Out.WriteLineAsync($"Floor relay listening on {relay.EndPoint}").ConfigureAwait(false);
        await console.Out.WriteLineAsync(FloorReadyLine).ConfigureAwait(false);
        await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(timed && settings.Seconds > 0 ? TimeSpan.FromSeconds(settings.Seconds) : Timeout.InfiniteTimeSpan, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped by a signal or by the caller, as `serve` is: the normal end.
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static BenchSettings Settings(Arguments arguments)
    {
        var defaults = new BenchSettings();
        var mechanism = arguments.Value("--mechanism") ?? defaults.Mechanism;
        if (mechanism is not (SaslMechanismNames.Plain or SaslMechanismNames.ScramSha256 or SaslMechanismNames.ScramSha1))
        {
            throw new UsageException($"option '--mechanism' is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-1, not '{mechanism}'");
        }

        var tls = arguments.Value("--tls") switch
        {
            null or "off" => false,
            "on" => true,
            var other => throw new UsageException($"option '--tls' is on or off, not '{other}'"),
        };
        return new BenchSettings
        {
            Host = arguments.Value("--host") ?? defaults.Host,
            Port = Positive(arguments, "--port") ?? defaults.Port,
            Domain = arguments.Values("--domain") is [var domain, ..] ? domain : defaults.Domain,
            Users = Positive(arguments, "--users") ?? defaults.Users,
            UserPrefix = arguments.Value("--user-prefix") ?? defaults.UserPrefix,
            Password = arguments.Value("--password") ?? defaults.Password,
            Pairs = Positive(arguments, "--pairs") ?? defaults.Pairs,
            Window = Positive(arguments, "--window") ?? defaults.Window,
            Rate = Positive(arguments, "--rate") ?? defaults.Rate,
            Seconds = Seconds(arguments, "--seconds") ?? defaults.Seconds,
            WarmupSeconds = Seconds(arguments, "--warmup") ?? defaults.WarmupSeconds,
            Concurrency = Positive(arguments, "--concurrency") ?? defaults.Concurrency,
            Logins = Positive(arguments, "--logins"),
            Sessions = Positive(arguments, "--sessions") ?? defaults.Sessions,
            Tls = tls,
            WebSocketPort = Positive(arguments, "--websocket"),
            Mechanism = mechanism,
            ServerPid = Positive(arguments, "--server-pid"),
        };
    }

    private static int? Positive(Arguments arguments, string name) => arguments.Integer(name) switch
    {
        null => null,
        > 0 and var value => value,
        var value => throw new UsageException($"option '{name}' needs a positive number, not '{value}'"),
    };

    private static double? Seconds(Arguments arguments, string name)
    {
        var value = arguments.Value(name);
        if (value is null)
        {
            return null;
        }

        return double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? seconds
            : throw new UsageException($"option '{name}' needs a number of seconds, not '{value}'");
    }
}
