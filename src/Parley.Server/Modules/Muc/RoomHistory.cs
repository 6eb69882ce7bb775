using System.Globalization;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// The discussion history a room keeps (XEP-0045 §7.2.14): the last Muc:HistoryLength groupchat
/// messages, and the selection a joining user asks for with &lt;history/&gt; (maxstanzas, maxchars,
/// seconds, since; §7.2.15), oldest first, each with a XEP-0203 delay naming the room.
/// </summary>
internal sealed class RoomHistory(int capacity)
{
    private readonly Queue<(Element Message, DateTimeOffset At, int Chars)> _messages = new();

    public void Add(Element message, DateTimeOffset at)
    {
        if (capacity == 0)
        {
            return;
        }

        if (_messages.Count == capacity)
        {
            _messages.Dequeue();
        }

        _messages.Enqueue((message, at, message.ToString().Length));
    }

    /// <summary>The messages to send a joining occupant, with delays, unaddressed; the whole history when the join asked for no limit.</summary>
    public List<Element> Select(Element? request, string room, DateTimeOffset now)
    {
        var maxStanzas = Number(request, "maxstanzas") ?? int.MaxValue;
        var maxChars = Number(request, "maxchars") ?? int.MaxValue;
        var seconds = Number(request, "seconds");
        DateTimeOffset? since = DateTimeOffset.TryParse(request?.GetAttribute("since"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) ? s : null;
        var chosen = new List<Element>();
        var chars = 0;
        foreach (var (message, at, length) in _messages.Reverse())
        {
            if (chosen.Count >= maxStanzas || (long)chars + length > maxChars
                || (seconds is { } limit && at < now.AddSeconds(-limit)) || (since is { } after && at <= after))
            {
                break;
            }

            chars += length;
            var delayed = message.Clone();
            delayed.AddElement("delay", Namespaces.Delay)
                .SetAttribute("from", room)
                .SetAttribute("stamp", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            chosen.Add(delayed);
        }

        chosen.Reverse();
        return chosen;
    }

    private static int? Number(Element? request, string name) =>
        int.TryParse(request?.GetAttribute(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
