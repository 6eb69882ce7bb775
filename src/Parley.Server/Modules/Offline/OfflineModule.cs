using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Server.Modules.Messages;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Offline;

/// <summary>
/// XEP-0160 offline messages: normal and chat messages the Messages module could not deliver
/// (RFC 6121 §8.5.2.2.1) are stored durably and handed to the account's next resource that sends
/// initial presence with a non-negative priority, oldest first, each with a XEP-0203 delay stamp.
/// A message is removed only after it was queued on that session, so delivery is at least once:
/// a crash between the two can repeat one. Storing and delivering for one account never interleave.
/// </summary>
internal sealed class OfflineModule(IOfflineStore store, ISessionDirectory sessions, StanzaDelivery delivery, AccountLocks locks, IOptions<ParleyOptions> options, TimeProvider time) : IXmppModule
{
    /// <summary>Messages read per round trip while delivering.</summary>
    private const int Batch = 100;

    private readonly OfflineQuota _quota = new(options.Value.Limits.MaxOfflineMessages, options.Value.Limits.MaxOfflineBytes);

    public void Map(ModuleMap map)
    {
        // XEP-0160 §4: the server advertises offline storage.
        map.Feature("msgoffline");
        map.Message(Addressed.Account | Addressed.Resource, StoreAsync, Order.Fallback);
        map.On<InitialPresence>(DeliverAsync);
    }

    private async ValueTask<Handling> StoreAsync(StanzaContext context)
    {
        var message = context.Stanza;
        if (MessageRules.ParseType(Stanza.Type(message)) is not (MessageType.Normal or MessageType.Chat))
        {
            // Only what the Messages module passed on for storage (RFC 6121 §8.5.2.2.1: never headline, groupchat or error).
            return Handling.Continue;
        }

        if (!IsWorthStoring(message))
        {
            // RFC 6121 §8.5.2.2.1 leaves the choice open; an error for every typing notification
            // would be noise, so content-free messages are dropped.
            return Handling.Done;
        }

        var account = context.To?.Bare ?? context.From.Account;
        // Storing and delivering for an account never interleave: no message is stored just after a
        // delivery read the queue, and no two deliveries repeat one.
        using (await locks.LockAsync(account, context.CancellationToken).ConfigureAwait(false))
        {
            if (!await store.TryAddAsync(account, message, time.GetUtcNow(), _quota, context.CancellationToken).ConfigureAwait(false))
            {
                // RFC 6121 §8.5.2.2.1: what is not stored gets service-unavailable; without text it is the
                // same answer an unknown account gets, so a full queue reveals nothing more.
                delivery.Bounce(context.From, message, StanzaErrorCondition.ServiceUnavailable);
            }
            else if (MostAvailable(account) is { } session)
            {
                // A resource became available after the Messages module looked, and its initial
                // presence may have emptied the queue before this insert: hand the queue over now.
                await FlushAsync(session).ConfigureAwait(false);
            }
        }

        return Handling.Done;
    }

    private async ValueTask DeliverAsync(InitialPresence e)
    {
        var session = e.Session;
        if (session.Priority < 0)
        {
            // RFC 6121 §8.5.2.1.1: a negative priority never receives what was sent to the bare JID.
            return;
        }

        using (await locks.LockAsync(session.Account).ConfigureAwait(false))
        {
            await FlushAsync(session).ConfigureAwait(false);
        }
    }

    /// <summary>The available resource with the highest non-negative priority, if any (RFC 6121 §8.5.2.1.1).</summary>
    private ClientSession? MostAvailable(Jid account)
    {
        ClientSession? best = null;
        foreach (var r in sessions.Resources(account))
        {
            if (r.IsAvailable && r.Priority >= 0 && (best is null || r.Priority > best.Priority))
            {
                best = r;
            }
        }

        return best;
    }

    /// <summary>Hands the stored messages to the session oldest first, removing each batch once queued.</summary>
    private async Task FlushAsync(ClientSession session)
    {
        while (true)
        {
            var messages = await store.PeekAsync(session.Account, Batch).ConfigureAwait(false);
            long handedOver = 0;
            foreach (var stored in messages)
            {
                var message = stored.Stanza;
                // XEP-0203 §3 / XEP-0160 §5: the server stamps when it received the message.
                message.AddElement("delay", Namespaces.Delay)
                    .SetAttribute("from", session.Account.Domain)
                    .SetAttribute("stamp", stored.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                if (!session.Send(message))
                {
                    // The session is closing or too slow: what it did not take stays stored.
                    break;
                }

                handedOver = stored.Id;
            }

            if (handedOver != 0)
            {
                await store.RemoveThroughAsync(session.Account, handedOver).ConfigureAwait(false);
            }

            if (messages.Count < Batch || handedOver != messages[^1].Id)
            {
                return;
            }
        }
    }

    /// <summary>
    /// XEP-0334 hints decide first; otherwise a body, or any payload besides chat states, thread
    /// and hints (XEP-0160 §3 stores messages, not notifications).
    /// </summary>
    private static bool IsWorthStoring(Element message)
    {
        if (message.Child("no-store", Namespaces.Hints) is not null || message.Child("no-permanent-store", Namespaces.Hints) is not null)
        {
            return false;
        }

        foreach (var child in message.Children())
        {
            var worth = child.Namespace switch
            {
                Namespaces.Hints => child.Name == "store",
                Namespaces.Client => child.Name is "body" or "subject",
                Namespaces.ChatStates => false,
                _ => true,
            };
            if (worth)
            {
                return true;
            }
        }

        return false;
    }
}
