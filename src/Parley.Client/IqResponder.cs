using Parley.Xmpp.Addressing;

namespace Parley.Client;

/// <summary>
/// Who may answer an IQ request (RFC 6120 §8.2.3: the response comes from the entity the request
/// was sent to). A request without 'to', or to the client's own bare JID, is handled by its server
/// on the account's behalf, whose answer has no 'from' or the account's bare JID (§8.1.2.1); the
/// client's own full JID and its server's domain are accepted too (servers differ, and only the
/// client's server can stamp those on this stream). Any other request is answered only from the
/// JID it was sent to, compared in prepared form, so no other entity that can reach the client
/// completes it with a forged answer.
/// </summary>
internal readonly struct IqResponder
{
    private readonly string? _to;
    private readonly Jid? _addressee;
    private readonly Jid? _self;

    private IqResponder(string? to, Jid? addressee, Jid? self)
    {
        _to = to;
        _addressee = addressee;
        _self = self;
    }

    /// <param name="to">The request's 'to' attribute.</param>
    /// <param name="self">The client's bound full JID, or null before binding.</param>
    public static IqResponder For(string? to, Jid? self)
    {
        Jid? addressee = null;
        if (to is not null && Jid.TryParse(to, out var parsed))
        {
            addressee = parsed;
        }

        return new IqResponder(to, addressee, self);
    }

    /// <summary>Whether an answer with this 'from' attribute may come from the addressee.</summary>
    public bool Matches(string? from)
    {
        var ownAccount = _to is null || (_self is not null && _addressee is not null && _addressee.Equals(_self.Bare));
        if (from is null)
        {
            // Only the client's own server sends a stanza without 'from', for the account (RFC 6120 §8.1.2.1).
            return ownAccount;
        }

        if (!Jid.TryParse(from, out var sender))
        {
            return false;
        }

        if (ownAccount)
        {
            return _self is not null
                && (sender.Equals(_self.Bare) || sender.Equals(_self) || sender.Equals(Jid.Create(null, _self.Domain)));
        }

        return _addressee is not null ? sender.Equals(_addressee) : string.Equals(from, _to, StringComparison.Ordinal);
    }
}
