using System.Collections.Concurrent;
using System.Security.Cryptography;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Client;

/// <summary>
/// IQ requests awaiting their result or error, matched by id and by the entity expected to answer
/// (RFC 6120 §8.2.3, <see cref="IqResponder"/>). Ids are random, so an entity that sees none of the
/// client's requests cannot guess one. The read loop completes them; a closed stream fails them all.
/// </summary>
internal sealed class PendingIqs
{
    private readonly ConcurrentDictionary<string, (TaskCompletionSource<Element> Answer, IqResponder From)> _pending = new(StringComparer.Ordinal);
    private Exception? _closed;

    /// <summary>A fresh id: 128 random bits, unpredictable and unique within this client's streams.</summary>
    public static string NextId() => "q" + RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <param name="id">The request's id.</param>
    /// <param name="to">The request's 'to' attribute.</param>
    /// <param name="self">The client's bound full JID.</param>
    public TaskCompletionSource<Element> Register(string id, string? to, Jid? self)
    {
        var answer = new TaskCompletionSource<Element>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, (answer, IqResponder.For(to, self))))
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

    /// <summary>
    /// Completes the request this result or error answers; false when it answers none, or comes from
    /// an entity the request was not sent to (the request keeps waiting for the real answer).
    /// </summary>
    public bool TryComplete(Element iq)
    {
        var id = iq.GetAttribute("id");
        if (id is null || !_pending.TryGetValue(id, out var pending) || !pending.From.Matches(iq.GetAttribute("from"))
            || !_pending.TryRemove(new KeyValuePair<string, (TaskCompletionSource<Element>, IqResponder)>(id, pending)))
        {
            return false;
        }

        pending.Answer.TrySetResult(iq);
        return true;
    }

    public void FailAll(Exception reason)
    {
        Volatile.Write(ref _closed, reason);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Answer.TrySetException(reason);
            }
        }
    }
}
