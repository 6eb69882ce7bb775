using Parley.Xmpp.Sasl;

namespace Parley.Cli.Bench;

/// <summary>What one `parley bench` run does, from its options (defaults as the yardstick's).</summary>
internal sealed record BenchSettings
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 5222;

    public string Domain { get; init; } = "localhost";

    /// <summary>Accounts are PREFIX1..PREFIXN, all with <see cref="Password"/>.</summary>
    public int Users { get; init; } = 1000;

    public string UserPrefix { get; init; } = "user";

    public string Password { get; init; } = "pw";

    public int Pairs { get; init; } = 50;

    /// <summary>Measured seconds, after <see cref="WarmupSeconds"/>.</summary>
    public double Seconds { get; init; } = 10;

    public double WarmupSeconds { get; init; } = 2;

    /// <summary>Messages in flight per pair in the closed loop.</summary>
    public int Window { get; init; } = 64;

    /// <summary>Messages per second over all pairs for the latency mode.</summary>
    public int Rate { get; init; } = 2000;

    public int Concurrency { get; init; } = 50;

    /// <summary>For the logins mode: this many logins, timed from first to last, instead of a warm-up and a measured time.</summary>
    public int? Logins { get; init; }

    /// <summary>Idle sessions to hold.</summary>
    public int Sessions { get; init; } = 2000;

    /// <summary>STARTTLS before authenticating (any certificate is accepted: this is loopback load, not a client).</summary>
    public bool Tls { get; init; }

    /// <summary>Connect over RFC 7395 WebSocket at ws://HOST:this/xmpp-websocket instead of TCP to <see cref="Port"/>; null for TCP.</summary>
    public int? WebSocketPort { get; init; }

    /// <summary>PLAIN, SCRAM-SHA-256 or SCRAM-SHA-1 (what the anchors' configurations offer without TLS).</summary>
    public string Mechanism { get; init; } = SaslMechanismNames.Plain;

    /// <summary>The server's process, for its CPU time and RSS from /proc; null when not given.</summary>
    public int? ServerPid { get; init; }

    public string User(int index) => UserPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Describe() => WebSocketPort is { } ws ? $"ws://{Host}:{ws}/xmpp-websocket {Domain}" : $"{Host}:{Port} {Domain}";
}
