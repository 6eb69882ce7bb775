using System.Collections.Concurrent;
using System.Globalization;
using Parley.Xmpp.Xml;

namespace Parley.Client;

/// <summary>
/// IQ requests awaiting their result or error, matched by id (RFC 6120 §8.2.3). The read loop
/// completes them; a closed stream fails them all.
/// </summary>
internal sealed class PendingIqs
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Element>> _pending = new(StringComparer.Ordinal);
    private long _nextId;
    private Exception? _closed;

    /// <summary>A fresh id, unique within this client's streams.</summary>
    public string NextId() => "q" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    public TaskCompletionSource<Element> Register(string id)
    {
        var answer = new TaskCompletionSource<Element>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, answer))
        {
            throw new InvalidOperationException($"An IQ with id '{id}' is already awaiting its answer.");
        }

        // Registered after a close began: fail at once rather than wait for a timeout.
        if (Volatile.Read(ref _closed) is { } closed && _pending.TryRemove(id, out _))
        {
            answer.TrySetException(closed);
        }

        return answer;
    }

    public void Forget(string id) => _pending.TryRemove(id, out _);

    /// <summary>Completes the request this result or error answers; false when it answers none.</summary>
    public bool TryComplete(Element iq)
    {
        var id = iq.GetAttribute("id");
        if (id is null || !_pending.TryRemove(id, out var answer))
        {
            return false;
        }

        answer.TrySetResult(iq);
        return true;
    }

    public void FailAll(Exception reason)
    {
        Volatile.Write(ref _closed, reason);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var answer))
            {
                answer.TrySetException(reason);
            }
        }
    }
}
