using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Connections;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// An in-memory transport to a running test server: two pipes, a Kestrel-style connection context
/// handed to the c2s handler as a listener would hand it, and the client's end as one Stream.
/// </summary>
internal sealed class InMemoryConnection : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly Task _serving;

    private InMemoryConnection(IServiceProvider services)
    {
        var context = new DefaultConnectionContext(
            "memory-" + Guid.NewGuid().ToString("N"),
            new DuplexPipe(_toServer.Reader, _toClient.Writer),
            new DuplexPipe(_toClient.Reader, _toServer.Writer));
        Stream = new DuplexStream(_toClient.Reader.AsStream(), _toServer.Writer.AsStream());
        _serving = Task.Run(() => services.GetRequiredService<C2sConnectionHandler>().HandleAsync(context, directTls: false));
    }

    /// <summary>The client's end: what it writes reaches the server, what the server writes is read here.</summary>
    public Stream Stream { get; }

    public static InMemoryConnection Start(IServiceProvider services) => new(services);

    public async ValueTask DisposeAsync()
    {
        // The client going away is the end of the server's input, as a closed socket is.
        await _toServer.Writer.CompleteAsync();
        await _serving.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Reads from one pipe, writes to the other (what SslStream and the raw client need).</summary>
    private sealed class DuplexStream(Stream reading, Stream writing) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => reading.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => reading.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => reading.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => writing.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => writing.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => writing.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => writing.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => writing.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                reading.Dispose();
                writing.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
