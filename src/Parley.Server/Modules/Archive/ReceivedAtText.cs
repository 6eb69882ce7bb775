using System.Globalization;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// The stored text of an archive time (round-trip "O", UTC). Rows of one batch mostly share their
/// time (both rows of a conversation, a burst within one millisecond), so the last text is reused
/// instead of formatted again per row.
/// </summary>
internal sealed class ReceivedAtText
{
    private DateTimeOffset _last = DateTimeOffset.MinValue;
    private string _text = "";

    public string Of(DateTimeOffset at)
    {
        if (at != _last)
        {
            _last = at;
            _text = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        return _text;
    }
}
