using System.Collections.Concurrent;
using System.Security.Cryptography;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Routing;

/// <summary>
/// IQs the server sends on its own behalf, awaiting their answers (XEP-0115 §6.2's disco#info of an
/// unknown ver). Each request gets an unguessable id, and only a result or error with that id from
/// the entity asked completes it (RFC 6120 §8.2.3: the response comes from the addressee); other
/// answers to the server stay ignored.
/// </summary>
internal sealed class PendingQueries
{
    private readonly ConcurrentDictionary<string, (Jid Asked, TaskCompletionSource<Element> Answer)> _pending = new(StringComparer.Ordinal);

    /// <summary>A fresh id and the answer it will get.</summary>
    public (string Id, Task<Element> Answer) Expect(Jid asked)
    {
        var id = "parley-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var answer = new TaskCompletionSource<Element>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = (asked, answer);
        return (id, answer.Task);
    }

    public void Forget(string id) => _pending.TryRemove(id, out _);

    /// <summary>Completes the request an answer is for; false when it answers nothing the server asked.</summary>
    public bool TryComplete(Jid from, Element answer)
    {
        if (answer.GetAttribute("id") is { } id
            && _pending.TryGetValue(id, out var pending)
            && pending.Asked.Equals(from)
            && _pending.TryRemove(id, out _))
        {
            pending.Answer.TrySetResult(answer);
            return true;
        }

        return false;
    }
}
