using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Diagnostics;
using Parley.Server.Hosting;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// Writes archived messages off the delivery path: the module queues each one (bounded by
/// Archive:WriteQueueLength) and one loop writes what is queued in transactions of up to
/// Archive:WriteBatchSize, at most one every Archive:WriteIntervalMilliseconds, so a busy server
/// pays one transaction (and one sync to disk) per interval instead of one per message, and the
/// delivery path never wakes the writer per message. The queue's policy when full: delivery waits
/// for the writer (back-pressure on the senders' read loops); nothing is dropped. A query first waits
/// until every message queued before it is committed (<see cref="WhenWrittenAsync"/>, which also cuts
/// the interval short), so what a client can see in the archive is durable, and a client that saw a
/// message finds it by querying. A crash loses what was queued and not yet committed: at most the
/// batch being written and the queue behind it (docs/operations.md). Stopping the host writes
/// everything queued first.
/// </summary>
internal sealed class ArchiveWriter(IArchiveStore store, ArchiveIds ids, IOptions<ParleyOptions> options, ILogger<ArchiveWriter> logger)
    : IHostedLifecycleService
{
    /// <summary>Attempts per batch before it is given up (logged), so a broken database cannot grow the queue without bound.</summary>
    private const int Attempts = 3;

    private readonly Channel<object> _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.Value.Archive.WriteQueueLength)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly int _batchSize = options.Value.Archive.WriteBatchSize;

    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(options.Value.Archive.WriteIntervalMilliseconds);

    /// <summary>Released by a query waiting for the writer: write now instead of at the end of the interval.</summary>
    private readonly SemaphoreSlim _flushNow = new(0);

    /// <summary>Messages queued and not yet committed (or given up).</summary>
    private long _pending;

    private Task _loop = Task.CompletedTask;

    /// <summary>Queues a message; waits only when the queue is full.</summary>
    public ValueTask EnqueueAsync(ArchivedMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pending);
        return _queue.Writer.TryWrite(message) ? ValueTask.CompletedTask : EnqueueSlowAsync(message, cancellationToken);
    }

    /// <summary>Completes once every message queued before the call is committed.</summary>
    public async Task WhenWrittenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }

        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(barrier, cancellationToken).ConfigureAwait(false);
        _flushNow.Release();
        await barrier.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the schema is migrated (CoreStartup runs first): ids continue above what is stored.</summary>
    public async Task StartingAsync(CancellationToken cancellationToken) =>
        ids.Seed(await store.LargestIdAsync(cancellationToken).ConfigureAwait(false));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The listeners stopped first (the web host is registered later): write what is queued, then end.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        _flushNow.Release();
        return _loop.WaitAsync(cancellationToken);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async ValueTask EnqueueSlowAsync(ArchivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<ArchivedMessage>(_batchSize);
        var barriers = new List<TaskCompletionSource>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (reader.Count < _batchSize)
            {
                // Let a batch gather, unless a query waits for it or the host stops.
                await _flushNow.WaitAsync(_interval).ConfigureAwait(false);
            }

            // Whatever queued up meanwhile becomes the batch.
            while (batch.Count < _batchSize && reader.TryRead(out var item))
            {
                if (item is TaskCompletionSource barrier)
                {
                    barriers.Add(barrier);
                }
                else
                {
                    batch.Add((ArchivedMessage)item);
                }
            }

            if (batch.Count != 0)
            {
                await WriteAsync(batch).ConfigureAwait(false);
                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
            }

            foreach (var barrier in barriers)
            {
                barrier.TrySetResult();
            }

            barriers.Clear();
        }
    }

    private async Task WriteAsync(List<ArchivedMessage> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (attempt < Attempts)
            {
                ArchiveLog.WriteRetrying(logger, batch.Count, attempt, e);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ArchiveLog.WriteDropped(logger, batch.Count, attempt, e);
                return;
            }
        }
    }
}
