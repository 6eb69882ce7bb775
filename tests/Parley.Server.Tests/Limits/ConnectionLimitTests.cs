using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Connections;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Limits;

/// <summary>Limits:MaxConnectionsPerIp and Limits:MaxConnections, with loopback source addresses 127.0.0.x.</summary>
public sealed class ConnectionLimitTests
{
    private static readonly IPAddress First = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Third = IPAddress.Parse("127.0.0.3");

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14 §4.9.1.1")]
    public async Task One_connection_past_the_per_address_limit_gets_policy_violation_and_the_others_are_served()
    {
        await using var server = await TestServer.StartAsync(("Limits:MaxConnectionsPerIp", "2"));
        await using var a = await OpenAsync(server, First);
        await using var b = await OpenAsync(server, First);

        // The third from 127.0.0.1: a response header, the error, the close (RFC 6120 §4.9.1.1).
        await using (var refused = await RawStream.ConnectAsync(server.C2s, localAddress: First))
        {
            await refused.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);
        }

        // Another address is not affected, and the two admitted streams still work.
        await using var other = await OpenAsync(server, Second);
        await a.SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        await a.ExpectAsync("proceed", Namespaces.Tls);

        // Closing one frees its place: the server releases it before it drops the transport.
        await b.SendAsync("</stream:stream>");
        await b.ExpectClosedAsync();
        await using var again = await OpenAsync(server, First);
        Assert.Equal(3, server.Services.GetRequiredService<ConnectionLimiter>().Count);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    public async Task One_connection_past_the_total_limit_gets_policy_violation()
    {
        await using var server = await TestServer.StartAsync(("Limits:MaxConnections", "2"));
        await using var a = await OpenAsync(server, First);
        await using var b = await OpenAsync(server, Second);
        await using (var refused = await RawStream.ConnectAsync(server.C2s, localAddress: Third))
        {
            await refused.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);
        }

        await b.SendAsync("</stream:stream>");
        await b.ExpectClosedAsync();
        await using var c = await OpenAsync(server, Third);
    }

    private static async Task<RawStream> OpenAsync(TestServer server, IPAddress from)
    {
        var client = await RawStream.ConnectAsync(server.C2s, localAddress: from);
        await client.OpenAsync();
        return client;
    }
}
