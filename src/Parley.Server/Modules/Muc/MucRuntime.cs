using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Archive;
using Parley.Server.Routing;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// What every MUC service shares: the room environment (clock, limits, occupant-ids), the room store,
/// the rooms' archives (the Archive module's writer and queries), the creation policy
/// (Muc:CreateRooms, Muc:MaxRoomsPerOwner) and the delivery path, which
/// <see cref="MucModule"/> attaches when the module tables are built (the delivery path depends on the
/// hosted domains, which list the MUC services: taking it at construction would be a cycle).
/// </summary>
internal sealed class MucRuntime
{
    private readonly MucOptions _options;
    private readonly HashSet<string> _localDomains;
    private readonly HashSet<Jid> _admins;
    private StanzaDelivery? _delivery;

    public MucRuntime(
        IOptions<ParleyOptions> options,
        IOptionsMonitor<ModuleOptions> modules,
        IRoomStore store,
        OccupantIds occupantIds,
        TimeProvider time,
        ArchiveIds archiveIds,
        ArchiveWriter archiveWriter,
        ArchiveQueries archiveQueries,
        IArchiveStore archiveStore)
    {
        _options = options.Value.Muc;
        Store = store;
        ArchiveWriter = archiveWriter;
        ArchiveQueries = archiveQueries;
        ArchiveStore = archiveStore;
        var domains = options.Value.Domains.Count == 0 ? ["localhost"] : options.Value.Domains;
        _localDomains = [.. domains.Select(d => Jid.Create(null, d).Domain)];
        _admins = [.. _options.Admins.Select(a => Jid.Parse(a).Bare)];
        Environment = new RoomEnvironment(time, _options.MaxOccupantsPerRoom, _options.MessagesPerSecond, _options.MessageBurst, _options.HistoryLength, occupantIds.Of,
            modules.Get(ArchiveModule.Name).Enabled ? archiveIds : null, _options.ArchiveByDefault);
    }

    public RoomEnvironment Environment { get; }

    public IRoomStore Store { get; }

    /// <summary>Where rooms' archived messages are queued (the one writer of every archive).</summary>
    public ArchiveWriter ArchiveWriter { get; }

    /// <summary>Answers XEP-0313 requests to a room JID like those to an account.</summary>
    public ArchiveQueries ArchiveQueries { get; }

    /// <summary>Where a room's archive is deleted when the room ends.</summary>
    public IArchiveStore ArchiveStore { get; }

    public IReadOnlyCollection<string> LocalDomains => _localDomains;

    public StanzaDelivery Delivery => _delivery ?? throw new InvalidOperationException("The MUC module was not started.");

    public void Attach(StanzaDelivery delivery) => _delivery = delivery;

    /// <summary>
    /// §10.1.1: not-allowed when Muc:CreateRooms does not let the user create rooms; policy-violation
    /// when it already created Muc:MaxRoomsPerOwner rooms that still exist.
    /// </summary>
    public StanzaError? RefusesCreation(Jid user, int created)
    {
        var allowed = _options.CreateRooms switch
        {
            "local" => _localDomains.Contains(user.Domain),
            "admins" => _admins.Contains(user.Bare),
            _ => true,
        };
        if (!allowed)
        {
            return StanzaError.Of(StanzaErrorCondition.NotAllowed, "You may not create rooms on this service.");
        }

        return created >= _options.MaxRoomsPerOwner
            ? StanzaError.Of(StanzaErrorCondition.PolicyViolation, $"You own {created} rooms, the most this service allows.")
            : null;
    }
}
