using Parley.Server.Sessions;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Benchmarks;

/// <summary>A connection that only counts what it is given, so that routing is measured without socket I/O.</summary>
internal sealed class CountingEndpoint(string connectionId) : ISessionEndpoint
{
    public string ConnectionId { get; } = connectionId;

    public System.Net.IPAddress? RemoteAddress => null;

    public int Sent { get; private set; }

    public bool TrySend(Element stanza)
    {
        Sent++;
        return true;
    }

    public void Terminate(StreamErrorCondition condition, string? text = null) =>
        throw new InvalidOperationException($"The benchmark stream was terminated: {condition}.");
}
