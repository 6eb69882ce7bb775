namespace Parley.Server.Modules.Push;

/// <summary>
/// One registration at run time (XEP-0357 §7): what happened since its device was last online
/// (messages, subscription requests, the last sender and text), and whether a notification is being
/// sent. Events while one is in flight or within Modules:Push:MinIntervalSeconds are summed into the
/// next one, so each registration has at most one notification in flight and a bounded rate.
/// </summary>
internal sealed class PushDevice(PushRegistration registration)
{
    private readonly Lock _gate = new();
    private int _messages;
    private int _subscriptions;
    private string? _lastSender;
    private string? _lastBody;
    private bool _sending;
    private bool _changed;
    private int _errors;

    public PushRegistration Registration { get; } = registration;

    /// <summary>When the last notification went out (its answer arrived or timed out).</summary>
    public DateTimeOffset LastSent { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Counts an event; true when the caller is to start sending (nothing is in flight).</summary>
    public bool Record(string? sender, string? body, bool subscription)
    {
        lock (_gate)
        {
            if (subscription)
            {
                _subscriptions++;
            }
            else
            {
                _messages++;
                _lastBody = body;
            }

            _lastSender = sender ?? _lastSender;
            _changed = true;
            if (_sending)
            {
                return false;
            }

            _sending = true;
            return true;
        }
    }

    /// <summary>The device is online: what it missed is no longer pending (§7: counts since it was last online).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            (_messages, _subscriptions, _lastSender, _lastBody) = (0, 0, null, null);
        }
    }

    /// <summary>The summary to send now (XEP-0357 §7's urn:xmpp:push:summary fields).</summary>
    public PushSummary Take()
    {
        lock (_gate)
        {
            _changed = false;
            return new PushSummary(_messages, _subscriptions, _lastSender, _lastBody);
        }
    }

    /// <summary>A notification was answered (or not); true when events came meanwhile and another is due.</summary>
    public bool Sent(DateTimeOffset at)
    {
        lock (_gate)
        {
            LastSent = at;
            if (_changed)
            {
                return true;
            }

            _sending = false;
            return false;
        }
    }

    /// <summary>Counts an error in a row; returns the count.</summary>
    public int Failed() => Interlocked.Increment(ref _errors);

    public void Succeeded() => Volatile.Write(ref _errors, 0);
}
