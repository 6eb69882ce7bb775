using System.Collections.Concurrent;
using Parley.Server.Modules;
using Parley.Server.Modules.Archive;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// The MUC service of one hosted domain (XEP-0045), an internal component on
/// &lt;Muc:Subdomain&gt;.&lt;domain&gt;: it finds or creates the room a stanza names, runs one room
/// action at a time per room (so every occupant sees the same order), and delivers what the room
/// sends through the one delivery path. Rooms are created by entering them (§10.1), as
/// Muc:CreateRooms allows and up to Muc:MaxRoomsPerOwner per creator.
/// </summary>
internal sealed class MucService(string domain, MucRuntime runtime) : IComponentHandler
{
    private readonly ConcurrentDictionary<string, RoomHost> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Jid, ConcurrentDictionary<string, byte>> _joined = new();
    private readonly ConcurrentDictionary<Jid, int> _createdBy = new();

    public string Domain { get; } = domain;

    public HostKind Kind => HostKind.InternalComponent;

    public async ValueTask<bool> DeliverAsync(Element stanza, Jid to, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(stanza.GetAttribute("from"), out var from))
        {
            return true;
        }

        if (to.Local is null)
        {
            await ServiceAsync(stanza, from, to).ConfigureAwait(false);
        }
        else
        {
            await RoomAsync(stanza, from, to, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>A stored persistent room, restored at start.</summary>
    public void Restore(Room room)
    {
        _rooms[room.Jid.Local!] = new RoomHost(room) { Stored = true };
        _createdBy.AddOrUpdate(room.Creator, 1, (_, n) => n + 1);
    }

    /// <summary>The rooms the service has the real JID in (what a session end would make it leave).</summary>
    public IReadOnlyCollection<string> RoomsOf(Jid realJid) =>
        _joined.TryGetValue(realJid, out var rooms) ? [.. rooms.Keys] : [];

    /// <summary>A session ended: its occupants leave every room they were in, with unavailable presence (§7.14).</summary>
    public async ValueTask SessionClosedAsync(Jid session)
    {
        if (!_joined.TryRemove(session, out var rooms))
        {
            return;
        }

        foreach (var local in rooms.Keys)
        {
            if (_rooms.TryGetValue(local, out var host))
            {
                await RunAsync(host, null, session, (room, sends) =>
                {
                    room.Exit(session, null, sends);
                    return null;
                }, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>§6.1 and §6.3: the service's own disco#info and its public rooms in disco#items.</summary>
    private async ValueTask ServiceAsync(Element stanza, Jid from, Jid to)
    {
        if (stanza.Name != "iq" || Stanza.Type(stanza) is not ("get" or "set"))
        {
            return;
        }

        var payload = stanza.FirstElement!;
        var get = Stanza.Type(stanza) == "get";
        var reply = !get ? Stanza.ErrorReply(stanza, StanzaError.Of(StanzaErrorCondition.ServiceUnavailable))
            : payload.Is("query", Namespaces.DiscoInfo) ? Stanza.IqResult(stanza, MucDisco.ServiceInfo())
            : payload.Is("query", Namespaces.DiscoItems) ? Stanza.IqResult(stanza, MucDisco.ServiceItems(PublicRooms()))
            : payload.Is("ping", Namespaces.Ping) ? Stanza.IqResult(stanza)
            : Stanza.ErrorReply(stanza, StanzaError.Of(StanzaErrorCondition.ServiceUnavailable));
        await SendAsync(new RoomSend(to, from, reply)).ConfigureAwait(false);
    }

    private IEnumerable<Room> PublicRooms() =>
        _rooms.Values.Select(h => h.Room).Where(r => r.Config.Public && !r.Locked && !r.Gone).OrderBy(r => r.Jid.Local, StringComparer.Ordinal);

    private async ValueTask RoomAsync(Element stanza, Jid from, Jid to, CancellationToken cancellationToken)
    {
        var local = to.Local!;
        while (true)
        {
            var created = false;
            if (!_rooms.TryGetValue(local, out var host))
            {
                if (!(stanza.Name == "presence" && Stanza.Type(stanza) is null && to.Resource is not null))
                {
                    // §7.2 and RFC 6120 §8.3.3.7: only entering creates a room; anything else names nothing.
                    await ReplyErrorAsync(stanza, from, to, StanzaError.Of(StanzaErrorCondition.ItemNotFound)).ConfigureAwait(false);
                    return;
                }

                if (runtime.RefusesCreation(from, _createdBy.GetValueOrDefault(from.Bare)) is { } refusal)
                {
                    await ReplyErrorAsync(stanza, from, to, refusal).ConfigureAwait(false);
                    return;
                }

                host = new RoomHost(new Room(to.Bare, from, runtime.Environment));
                if (!_rooms.TryAdd(local, host))
                {
                    continue;
                }

                _createdBy.AddOrUpdate(from.Bare, 1, (_, n) => n + 1);
                created = true;
            }

            if (stanza.Name == "iq" && to.Resource is null && stanza.FirstElement is { Namespace: Namespaces.Mam } request)
            {
                await ArchiveRequestAsync(host, stanza, request, from, cancellationToken).ConfigureAwait(false);
                return;
            }

            var nickModified = to.Resource is not null && !(stanza.GetAttribute("to") ?? "").EndsWith("/" + to.Resource, StringComparison.Ordinal);
            if (await RunAsync(host, stanza, from, (room, sends) => Act(room, stanza, from, to, created, nickModified, sends), cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>
    /// XEP-0313 on the room JID: a query (§4), its form (§4.1.1) or the metadata (§7), answered like an
    /// account's (<see cref="ArchiveQueries"/>), the results from the room. Who may read is decided
    /// under the room's gate (<see cref="Room.ArchiveAccess"/>); the archive is read outside it, so a
    /// long query does not hold up the room's conversation.
    /// </summary>
    private async ValueTask ArchiveRequestAsync(RoomHost host, Element iq, Element request, Jid from, CancellationToken cancellationToken)
    {
        var room = host.Room;
        StanzaError? refusal;
        await host.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            refusal = room.Gone ? StanzaError.Of(StanzaErrorCondition.ItemNotFound) : room.ArchiveAccess(from);
        }
        finally
        {
            host.Gate.Release();
        }

        var owner = ArchiveOwner.Room(room.Jid);
        var reply = refusal is not null ? new IqReply(null, refusal)
            : (request.Name, Stanza.Type(iq)) switch
            {
                ("query", "set") => await runtime.ArchiveQueries.QueryAsync(owner, request, from, result => SendAsync(new RoomSend(room.Jid, from, result)), cancellationToken).ConfigureAwait(false),
                ("query", "get") => IqReply.Result(ArchiveQueries.Form()),
                ("metadata", "get") => IqReply.Result(await runtime.ArchiveQueries.MetadataAsync(owner, cancellationToken).ConfigureAwait(false)),
                _ => IqReply.Fail(StanzaErrorCondition.ServiceUnavailable),
            };
        if (reply.Error is { } error)
        {
            await ReplyErrorAsync(iq, from, room.Jid, error).ConfigureAwait(false);
        }
        else
        {
            await SendAsync(new RoomSend(room.Jid, from, Stanza.IqResult(iq, reply.Payload))).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one action on a room under its gate and delivers what it sends, in order; answers the
    /// sender's stanza with the action's error; saves or forgets the room. False when the room was
    /// gone before the action could run (the caller looks it up again).
    /// </summary>
    private async ValueTask<bool> RunAsync(RoomHost host, Element? stanza, Jid from, Func<Room, List<RoomSend>, StanzaError?> action, CancellationToken cancellationToken)
    {
        await host.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var room = host.Room;
            if (room.Gone)
            {
                return stanza is null;
            }

            var sends = new List<RoomSend>();
            var error = action(room, sends);
            if (error is not null && stanza is not null)
            {
                await ReplyErrorAsync(stanza, from, Jid.Parse(stanza.GetAttribute("to")!), error).ConfigureAwait(false);
            }

            // Queued for the archive before anyone sees them: a query waits for what was queued before it.
            foreach (var archived in room.Archived)
            {
                await runtime.ArchiveWriter.EnqueueAsync(archived, CancellationToken.None).ConfigureAwait(false);
            }

            room.Archived.Clear();
            foreach (var send in sends)
            {
                await SendAsync(send).ConfigureAwait(false);
            }

            // The index SessionClosedAsync walks: the sender when it entered, and everyone the action
            // removed (the sender leaving, or occupants sent away by a kick, ban or destruction).
            foreach (var departed in room.Departed)
            {
                if (_joined.TryGetValue(departed, out var rooms))
                {
                    rooms.TryRemove(room.Jid.Local!, out _);
                }
            }

            room.Departed.Clear();
            if (room.IsOccupant(from))
            {
                _joined.GetOrAdd(from, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal))[room.Jid.Local!] = 0;
            }

            await PersistAsync(host).ConfigureAwait(false);
            return true;
        }
        finally
        {
            host.Gate.Release();
        }
    }

    private StanzaError? Act(Room room, Element stanza, Jid from, Jid to, bool created, bool nickModified, List<RoomSend> sends)
    {
        var type = Stanza.Type(stanza);
        switch (stanza.Name)
        {
            case "presence":
                if (type == "unavailable" || type == "error")
                {
                    room.Exit(from, type == "error" ? null : stanza, sends);
                    return null;
                }

                if (type is not null)
                {
                    // Subscriptions mean nothing to a room.
                    return null;
                }

                if (to.Resource is null)
                {
                    // §7.2.1: entering needs a nickname; a bare room JID has none.
                    return StanzaError.Of(StanzaErrorCondition.JidMalformed, "Enter the room with a nickname: room@service/nick.");
                }

                var error = room.IsOccupant(from)
                    ? room.ChangePresence(from, to.Resource, stanza, sends)
                    : room.Enter(from, to.Resource, stanza, created, nickModified, sends);
                if (error is not null && created)
                {
                    room.CloseIfEmpty();
                }

                return error;
            case "message":
                if (type == "error")
                {
                    return null;
                }

                if (to.Resource is not null)
                {
                    return room.PrivateMessage(from, to.Resource, stanza, sends);
                }

                if (type == "groupchat")
                {
                    return room.Groupchat(from, stanza, sends);
                }

                if (stanza.Child("x", Namespaces.MucUser) is { } x && (x.Child("invite", Namespaces.MucUser) ?? x.Child("decline", Namespaces.MucUser)) is not null)
                {
                    return room.InviteOrDecline(from, x, sends);
                }

                return StanzaError.Of(StanzaErrorCondition.NotAcceptable, "Send groupchat messages to the room.");
            default:
                if (type is "result" or "error")
                {
                    // An occupant answering an IQ another occupant sent it (Room.Iq.cs).
                    if (to.Resource is not null)
                    {
                        room.ForwardIqAnswer(from, to.Resource, stanza, sends);
                    }

                    return null;
                }

                return type is "get" or "set" ? RoomIq(room, stanza, from, to, sends) : null;
        }
    }

    /// <summary>
    /// IQs to the room (disco §6.4, muc#owner §10, muc#admin §8–§9); to an occupant JID, XEP-0410
    /// self-pings answered by the service and everything else forwarded to the occupant.
    /// </summary>
    private StanzaError? RoomIq(Room room, Element iq, Jid from, Jid to, List<RoomSend> sends)
    {
        var payload = iq.FirstElement!;
        var get = Stanza.Type(iq) == "get";
        Element? answer = null;
        StanzaError? error;
        if (to.Resource is not null && !(payload.Is("ping", Namespaces.Ping) && room.NickOf(from) == to.Resource))
        {
            // XEP-0410 §3: a ping to another occupant goes to it like any IQ; from someone not joined, not-acceptable.
            return room.ForwardIq(from, to.Resource, iq, sends);
        }

        if (to.Resource is not null)
        {
            // XEP-0410 §3: the service answers a joined occupant's ping to its own occupant JID.
            error = null;
        }
        else if (room.Locked && room.AffiliationOf(from) != MucAffiliation.Owner)
        {
            error = StanzaError.Of(StanzaErrorCondition.ItemNotFound);
        }
        else if (get && payload.Is("query", Namespaces.DiscoInfo))
        {
            (answer, error) = (payload.GetAttribute("node") == "x-roomuser-item" ? room.ReservedNickInfo(from) : MucDisco.RoomInfo(room), null);
        }
        else if (payload.Is("query", Namespaces.Register))
        {
            error = get ? room.RegistrationForm(from, out answer) : room.Register(from, payload, sends);
        }
        else if (get && payload.Is("query", Namespaces.DiscoItems))
        {
            // §6.5: the occupant list is not disclosed through disco; occupants learn it from presence.
            (answer, error) = (new Element("query", Namespaces.DiscoItems), null);
        }
        else if (payload.Is("query", Namespaces.MucOwner))
        {
            Element? form = null;
            error = get ? room.ConfigurationForm(from, out form)
                : payload.Child("destroy", Namespaces.MucOwner) is { } destroy ? room.Destroy(from, destroy, sends)
                : payload.Child("x", Namespaces.DataForms) is { } submitted ? room.Configure(from, submitted, sends)
                : StanzaError.Of(StanzaErrorCondition.BadRequest);
            if (get && error is null)
            {
                answer = new Element("query", Namespaces.MucOwner).Add(form!);
            }
        }
        else if (payload.Is("query", Namespaces.MucAdmin))
        {
            error = get ? room.AdminList(from, payload, out answer) : room.AdminChange(from, payload, sends);
        }
        else
        {
            error = StanzaError.Of(StanzaErrorCondition.ServiceUnavailable);
        }

        if (error is null)
        {
            // The result precedes the presence and messages the change causes (§9.1: the admin hears the result first).
            sends.Insert(0, new RoomSend(to, from, Stanza.IqResult(iq, answer)));
        }

        return error;
    }

    private async ValueTask PersistAsync(RoomHost host)
    {
        var room = host.Room;
        if (room.Gone)
        {
            // A room's archive lives as long as the room: a room entered again under the same JID is a
            // new room and must not read the old one's conversation. Deleted once what was queued for
            // it is written, and before the JID is free for a new room.
            if (runtime.Environment.ArchiveIds is not null)
            {
                await runtime.ArchiveWriter.WhenWrittenAsync(CancellationToken.None).ConfigureAwait(false);
                await runtime.ArchiveStore.DeleteAllAsync(ArchiveOwner.Room(room.Jid), CancellationToken.None).ConfigureAwait(false);
            }

            _rooms.TryRemove(new KeyValuePair<string, RoomHost>(room.Jid.Local!, host));
            _createdBy.AddOrUpdate(room.Creator, 0, (_, n) => Math.Max(0, n - 1));
        }

        var keep = room.Config.Persistent && !room.Gone;
        if (keep && room.Dirty)
        {
            await runtime.Store.SaveAsync(room.Jid.ToString(), RoomSnapshot.Write(room), CancellationToken.None).ConfigureAwait(false);
            host.Stored = true;
        }
        else if (!keep && host.Stored)
        {
            await runtime.Store.DeleteAsync(room.Jid.ToString(), CancellationToken.None).ConfigureAwait(false);
            host.Stored = false;
        }

        room.Dirty = false;
    }

    private ValueTask ReplyErrorAsync(Element stanza, Jid from, Jid to, StanzaError error)
    {
        // RFC 6120 §8.3.1: never an error to an error; the server-wide rule lives in Bounce.
        if (Stanza.IsError(stanza) || Stanza.Type(stanza) == "result")
        {
            return ValueTask.CompletedTask;
        }

        return SendAsync(new RoomSend(to, from, Stanza.ErrorReply(stanza, error)));
    }

    // The room's order is the delivery order: each stanza is queued before the next is built, never awaiting a socket.
    private ValueTask SendAsync(RoomSend send) =>
        runtime.Delivery.SendAsync(Origin.Component(send.From), send.Stanza, send.To, CancellationToken.None);

    private sealed class RoomHost(Room room)
    {
        public Room Room { get; } = room;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Whether the store holds the room (it was persistent when last saved).</summary>
        public bool Stored { get; set; }
    }
}
