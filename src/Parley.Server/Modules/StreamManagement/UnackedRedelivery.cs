using Parley.Server.Modules.Archive;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.StreamManagement;

/// <summary>
/// XEP-0198 §5 ("take alternative action regarding any unhandled stanzas"): when a session with
/// stream management ends for good, the messages its client never acknowledged are delivered again
/// as if the resource had never been there (RFC 6121 §8.5.3.2.1: another resource of the account, or
/// offline storage with its XEP-0203 delay), and requests it never answered get service-unavailable.
/// Presence is dropped: contacts' current presence is probed again at the next login.
/// A client that closes its stream itself without a last &lt;a/&gt; (XEP-0198 §4 only recommends one;
/// xmpp.js and aioxmpp send none) has most likely handled what it got: a message already in the
/// account's archive stays within its reach (XEP-0313), so it is not sent again, where it would
/// arrive twice (at the next login from offline storage, or at once on the account's other resources).
/// </summary>
internal sealed class UnackedRedelivery(StanzaDelivery delivery)
{
    public async ValueTask RedeliverAsync(ClientSession session, bool closedByClient)
    {
        foreach (var stanza in session.TakeUnacked())
        {
            if (!Jid.TryParse(stanza.GetAttribute("to"), out var to))
            {
                continue;
            }

            var type = Stanza.Type(stanza);
            if (stanza.Name == "message" && type is null or "normal" or "chat" && !IsCopyOrResult(stanza))
            {
                if (closedByClient && StanzaIds.IsStampedBy(stanza, session.Jid.Bare))
                {
                    continue;
                }

                // Sent by the server itself: the original sender's filters and archive already saw it.
                await delivery.SendAsync(Origin.ServerOf(to), stanza, to, CancellationToken.None).ConfigureAwait(false);
            }
            else if (stanza.Name == "iq" && type is "get" or "set" && Jid.TryParse(stanza.GetAttribute("from"), out var requester))
            {
                var error = Stanza.ErrorReply(stanza, StanzaError.Of(StanzaErrorCondition.ServiceUnavailable));
                await delivery.SendAsync(Origin.ServerOf(to), error, requester, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Carbon copies (XEP-0280) and archive results (XEP-0313) were for that resource only.</summary>
    private static bool IsCopyOrResult(Element message)
    {
        foreach (var child in message.Children())
        {
            if (child.Namespace is Namespaces.Carbons or Namespaces.Mam)
            {
                return true;
            }
        }

        return false;
    }
}
