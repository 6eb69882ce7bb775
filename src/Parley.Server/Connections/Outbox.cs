using System.Threading.Tasks.Sources;

namespace Parley.Server.Connections;

/// <summary>
/// A connection's bounded outbox: any thread writes (the router delivering to this connection),
/// one loop reads (the write loop). It does what a bounded <c>Channel&lt;Outgoing&gt;</c> did
/// for this one pattern with a fraction of the memory an idle connection keeps: one ring array
/// that grows up to the bound and one reusable wait, where the channel kept a deque, reader and
/// writer objects and four cached operation objects (about 900 bytes per connection).
/// </summary>
internal sealed class Outbox(int capacity) : IValueTaskSource<bool>
{
    private readonly Lock _gate = new();
    private Outgoing[] _items = [];
    private int _head;
    private int _count;
    private bool _completed;
    private bool _readerWaiting;

    // The reader's continuation never runs on the writer's thread (as with the channel's default).
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };

    /// <summary>Queues <paramref name="item"/>; false when the outbox is full or completed. Never blocks.</summary>
    public bool TryWrite(Outgoing item)
    {
        lock (_gate)
        {
            if (_completed || _count == capacity)
            {
                return false;
            }

            if (_count == _items.Length)
            {
                Grow();
            }

            _items[(_head + _count) % _items.Length] = item;
            _count++;
            if (!_readerWaiting)
            {
                return true;
            }

            _readerWaiting = false;
        }

        _wait.SetResult(true);
        return true;
    }

    /// <summary>No more writes; the reader still gets what was queued, then <see cref="WaitToReadAsync"/> returns false.</summary>
    public void TryComplete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (!_readerWaiting)
            {
                return;
            }

            _readerWaiting = false;
        }

        _wait.SetResult(false);
    }

    /// <summary>True once an item can be read; false when completed and drained. One reader, one wait at a time.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_count > 0 || _completed)
            {
                return new ValueTask<bool>(_count > 0);
            }

            _wait.Reset();
            _readerWaiting = true;
            return new ValueTask<bool>(this, _wait.Version);
        }
    }

    public bool TryRead(out Outgoing item)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                item = default;
                return false;
            }

            item = _items[_head];
            _items[_head] = default;
            _head = (_head + 1) % _items.Length;
            _count--;
            return true;
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);

    /// <summary>Doubles the ring (from 4), unrolled to start at 0; it stays at that size for the connection's life.</summary>
    private void Grow()
    {
        var bigger = new Outgoing[Math.Min(Math.Max(_items.Length * 2, 4), capacity)];
        for (var i = 0; i < _count; i++)
        {
            bigger[i] = _items[(_head + i) % _items.Length];
        }

        _items = bigger;
        _head = 0;
    }
}
