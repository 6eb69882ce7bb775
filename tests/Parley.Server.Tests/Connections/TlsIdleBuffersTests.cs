using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Parley.Server.Connections;

namespace Parley.Server.Tests.Connections;

/// <summary>OpenSSL's idle record buffers are released on server-side TLS streams, which keep working.</summary>
public sealed class TlsIdleBuffersTests
{
    [Fact]
    public async Task The_release_mode_is_set_after_the_handshake_and_data_still_flows_both_ways_in_records_of_every_size()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        var connecting = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        await connecting;

        await using var server = new SslStream(accepted.GetStream());
        await using var peer = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
            peer.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }));

        Assert.True(TlsIdleBuffers.Available);
        Assert.True(TlsIdleBuffers.Release(server));

        // Buffers are freed whenever empty and allocated again for the next record, small or full size.
        foreach (var size in new[] { 1, 200, 16 * 1024, 40 * 1024, 3 })
        {
            var data = RandomNumberGenerator.GetBytes(size);
            await peer.WriteAsync(data);
            Assert.Equal(data, await ReadExactlyAsync(server, size));
            await server.WriteAsync(data);
            Assert.Equal(data, await ReadExactlyAsync(peer, size));
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return buffer;
    }
}
