using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Sessions;

/// <summary>
/// What a bound session's connection offers the rest of the server. Neither member waits on the
/// socket: routing never awaits another session's I/O.
/// </summary>
internal interface ISessionEndpoint
{
    string ConnectionId { get; }

    /// <summary>The peer's source address as the limits count it (IPv6 per /64); null when the transport has none.</summary>
    System.Net.IPAddress? RemoteAddress { get; }

    /// <summary>Queues a stanza for the writer; false when the connection is closing or too slow (it is then being closed).</summary>
    bool TrySend(Element stanza);

    /// <summary>Ends the stream with a stream error, written by the connection's single choke point.</summary>
    void Terminate(StreamErrorCondition condition, string? text = null);
}
