using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Roster;

/// <summary>
/// Bounds the inbound subscription requests an account keeps pending (RFC 6121 §3.1.3 leaves
/// their storage to the server): Limits:MaxPendingSubscriptions in all, and
/// Limits:MaxPendingSubscriptionsPerDomain from any one remote domain, so a server minting JIDs
/// cannot fill an account's storage nor the redelivery at each login (§3.1.3, last paragraph).
/// The policy is "the new is refused": requests already pending stay, so a flood cannot push a
/// genuine request out. A request is kept whole up to Limits:MaxSubscriptionRequestBytes, else as
/// its status text up to Limits:MaxSubscriptionStatusBytes.
/// </summary>
internal sealed class PendingRequestQuota(IRosterStore store, HostedDomains domains, IOptions<ParleyOptions> options)
{
    private readonly int _perAccount = options.Value.Limits.MaxPendingSubscriptions;
    private readonly int _perDomain = options.Value.Limits.MaxPendingSubscriptionsPerDomain;
    private readonly int _statusBytes = options.Value.Limits.MaxSubscriptionStatusBytes;
    private readonly int _requestBytes = options.Value.Limits.MaxSubscriptionRequestBytes;

    /// <summary>Whether one more request, from the contact, may be kept pending; called under the account's roster lock.</summary>
    public async Task<bool> AdmitsAsync(Jid account, Jid contact, CancellationToken cancellationToken)
    {
        var pending = await store.PendingAsync(account, cancellationToken).ConfigureAwait(false);
        if (pending.Count >= _perAccount)
        {
            return false;
        }

        // Local senders are accounts of this server, bounded by the per-account limit alone.
        return domains.Contains(contact.Domain)
            || pending.Count(p => string.Equals(p.Contact.Domain, contact.Domain, StringComparison.Ordinal)) < _perDomain;
    }

    /// <summary>
    /// What is kept of a pending request (RFC 6121 §3.1.3: the complete stanza, for a contact who is
    /// offline): its XML when within Limits:MaxSubscriptionRequestBytes; a larger one is kept as its
    /// &lt;status/&gt; alone, cut to Limits:MaxSubscriptionStatusBytes.
    /// </summary>
    public string StoredRequest(Element? request)
    {
        if (request is null)
        {
            return StoredXml.Write(new Element("presence", Namespaces.Client));
        }

        var xml = StoredXml.Write(request);
        if (StoredXml.Size(xml) <= _requestBytes)
        {
            return xml;
        }

        var reduced = new Element("presence", Namespaces.Client);
        if (request.ChildText("status", Namespaces.Client) is { Length: > 0 } status)
        {
            reduced.AddElement("status").AddText(StoredStatus(status));
        }

        return StoredXml.Write(reduced);
    }

    /// <summary>
    /// The presence stanza of a stored request. Requests stored before whole stanzas were kept hold
    /// their status text alone (never starting with '&lt;', which StoredXml always writes first).
    /// </summary>
    public static Element ReadRequest(string stored)
    {
        if (stored.StartsWith('<'))
        {
            try
            {
                return StoredXml.Read(stored);
            }
            catch (InvalidDataException)
            {
                // A status text of the older form that happens to start with '<'.
            }
        }

        var request = new Element("presence", Namespaces.Client);
        if (stored.Length > 0)
        {
            request.AddElement("status").AddText(stored);
        }

        return request;
    }

    /// <summary>The status text as stored: cut to the byte limit on a character boundary.</summary>
    private string StoredStatus(string status)
    {
        if (Encoding.UTF8.GetByteCount(status) <= _statusBytes)
        {
            return status;
        }

        var length = 0;
        var bytes = 0;
        foreach (var rune in status.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > _statusBytes)
            {
                break;
            }

            length += rune.Utf16SequenceLength;
        }

        return status[..length];
    }
}
