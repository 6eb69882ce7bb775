using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Connections;

/// <summary>
/// Issue 12 item 8: after &lt;/stream:stream&gt; the server ends TLS with close_notify before closing
/// the socket (RFC 8446 §6.1, RFC 5246 §7.2.1); without it libstrophe and profanity log "unexpected
/// eof". The test reads the raw TLS records under the client's SslStream: on TLS 1.2 an alert's
/// record type is visible (21), and the close must be the last record before the end of the connection.
/// </summary>
public sealed class TlsCloseTests
{
    private const byte AlertRecord = 21;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_server_sends_close_notify_before_closing_the_connection(bool serverCloses)
    {
        // The server closes on its own at the negotiation deadline, made short for the purpose.
        await using var server = await TestServer.StartAsync(serverCloses ? [("Limits:NegotiationTimeoutSeconds", "2")] : []);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.C2s);
        var raw = new RecordingStream(tcp.GetStream());
        await WriteAsync(raw, RawStream.Header);
        await ReadUntilAsync(raw, "</stream:features>");
        await WriteAsync(raw, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        await ReadUntilAsync(raw, "<proceed");

        raw.Received.SetLength(0);
        await using var tls = new SslStream(raw, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = TestServer.Domain,
            EnabledSslProtocols = SslProtocols.Tls12,
            // The test server's certificate is self-signed; trust is not what this test is about.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        await WriteAsync(tls, RawStream.Header);
        await ReadUntilAsync(tls, "</stream:features>");

        // Either the client ends the stream, or the server does.
        string seen;
        if (serverCloses)
        {
            seen = await ReadUntilAsync(tls, "</stream:stream>");
            Assert.Contains("connection-timeout", seen, StringComparison.Ordinal);
            await WriteAsync(tls, "</stream:stream>");
        }
        else
        {
            await WriteAsync(tls, "</stream:stream>");
            seen = await ReadUntilAsync(tls, "</stream:stream>");
        }

        // A clean TLS end reads as 0 bytes; then the raw bytes end with the close_notify alert record.
        var buffer = new byte[1024];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        Assert.Equal(0, await tls.ReadAsync(buffer, wait.Token));
        Assert.Equal(0, await raw.ReadAsync(buffer, wait.Token));
        var records = Records(raw.Received.ToArray());
        Assert.True(records.Count > 0 && records[^1] == AlertRecord, $"The last TLS record before the end of the connection is of type {(records.Count > 0 ? records[^1] : -1)}, not an alert (21); record types: {string.Join(",", records)}");
    }

    /// <summary>The content types of the TLS records in <paramref name="bytes"/> (RFC 5246 §6.2.1: type, version, 16-bit length).</summary>
    private static List<int> Records(byte[] bytes)
    {
        var types = new List<int>();
        var at = 0;
        while (at + 5 <= bytes.Length)
        {
            types.Add(bytes[at]);
            at += 5 + BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 3, 2));
        }

        Assert.Equal(bytes.Length, at);
        return types;
    }

    private static async Task WriteAsync(Stream stream, string xml)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(xml));
        await stream.FlushAsync();
    }

    /// <summary>Reads until <paramref name="marker"/> has been seen; returns what was read.</summary>
    private static async Task<string> ReadUntilAsync(Stream stream, string marker)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, $"The connection ended before {marker}; read: {text}");
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>A stream that keeps every byte read through it: here, the raw TLS records under an SslStream.</summary>
    private sealed class RecordingStream(Stream inner) : Stream
    {
        public MemoryStream Received { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Received.Write(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Received.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
