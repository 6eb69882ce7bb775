using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Server.Modules;
using Parley.Server.Modules.Archive;
using Parley.Server.Modules.Avatars;
using Parley.Server.Modules.Blocking;
using Parley.Server.Modules.Bookmarks;
using Parley.Server.Modules.Caps;
using Parley.Server.Modules.Carbons;
using Parley.Server.Modules.ClientState;
using Parley.Server.Modules.Disco;
using Parley.Server.Modules.LastActivity;
using Parley.Server.Modules.Messages;
using Parley.Server.Modules.Muc;
using Parley.Server.Modules.Offline;
using Parley.Server.Modules.Pep;
using Parley.Server.Modules.Ping;
using Parley.Server.Modules.Presence;
using Parley.Server.Modules.PrivateStorage;
using Parley.Server.Modules.Push;
using Parley.Server.Modules.Register;
using Parley.Server.Modules.Roster;
using Parley.Server.Modules.Session;
using Parley.Server.Modules.StreamManagement;
using Parley.Server.Modules.Time;
using Parley.Server.Modules.Upload;
using Parley.Server.Modules.VCard;
using Parley.Server.Modules.Version;
using Parley.Server.Routing;

namespace Parley.Server.Hosting;

/// <summary>
/// The server's modules, one registration each, in chain order (a handler declared with the same
/// <see cref="Order"/> as another runs in this order). Adding a module is one line here: its
/// services, its <c>Modules:&lt;Name&gt;:*</c> options and its switch come with it (docs/modules.md).
/// Every <c>Modules:&lt;Name&gt;:Enabled</c> key must be listed in docs/configuration.md.
/// </summary>
internal static class ServerModules
{
    public static readonly IReadOnlyList<ModuleRegistration> All =
    [
        ModuleRegistration.For<DiscoModule>("Disco"),
        ModuleRegistration.For<PingModule>("Ping"),
        ModuleRegistration.For<SessionModule>("Session"),
        // Records a logout before the unavailable presence goes out (SessionClosed handlers run in this order).
        ModuleRegistration.For<LastActivityModule>("LastActivity", static services => services.TryAddSingleton<ILastActivityStore, SqlLastActivityStore>()),
        ModuleRegistration.For<PresenceModule>("Presence"),
        ModuleRegistration.For<RosterModule>("Roster"),
        // The archive stamps the stanza-id before carbons copy a message (both run first on the recipient side).
        ModuleRegistration.For<ArchiveModule>(ArchiveModule.Name, AddArchive, enabledByDefault: static options => options.Archive.Enabled),
        ModuleRegistration.For<CarbonsModule>("Carbons", enabledByDefault: static options => options.Carbons.Enabled),
        ModuleRegistration.For<MessageModule>("Messages"),
        ModuleRegistration.For<StreamManagementModule, StreamManagementOptions>("Sm", AddStreamManagement),
        ModuleRegistration.For<ClientStateModule, ClientStateOptions>("Csi", static services => services.AddSingleton<IValidateOptions<ClientStateOptions>, ClientStateOptionsValidator>()),
        // Looks at where the account's devices are before delivery (a message to a hibernated session, or stored offline).
        ModuleRegistration.For<PushModule, PushOptions>("Push", AddPush),
        ModuleRegistration.For<OfflineModule>("Offline", static services => services.TryAddSingleton<IOfflineStore, SqlOfflineStore>()),
        ModuleRegistration.For<BlockingModule>("Blocking"),
        ModuleRegistration.For<VCardModule>("VCard", static services => services.TryAddSingleton<IVCardStore, SqlVCardStore>()),
        ModuleRegistration.For<PrivateStorageModule>("PrivateStorage", static services => services.TryAddSingleton<IPrivateXmlStore, SqlPrivateXmlStore>()),
        ModuleRegistration.For<PepModule>("Pep", AddPep),
        ModuleRegistration.For<AvatarModule>("Avatars", static services => services.AddSingleton<AvatarHashes>()),
        ModuleRegistration.For<BookmarksModule>("Bookmarks"),
        ModuleRegistration.For<MucModule>(MucModule.Name, AddMuc, enabledByDefault: static options => options.Muc.Enabled),
        ModuleRegistration.For<UploadModule, UploadOptions>(UploadModule.Name, AddUpload),
        ModuleRegistration.For<EntityTimeModule>("Time"),
        ModuleRegistration.For<VersionModule>("Version", enabledByDefault: static options => options.AdvertiseVersion),
        ModuleRegistration.For<RegisterModule>("Register", enabledByDefault: static options => options.AllowRegistration),
    ];

    /// <summary>Adds every module's services and options, and the dispatcher that asks the enabled ones for their tables at start.</summary>
    public static void Add(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        foreach (var module in All)
        {
            module.Register(services, configuration);
        }

        // Built at start (ModuleStartup), not here: modules take the delivery path, which takes these tables.
        services.AddSingleton(sp => new ModuleDispatcher(() => Enabled(sp), sp.GetRequiredService<EventBus>()));
        services.AddHostedService<ModuleStartup>();
    }

    private static IEnumerable<IXmppModule> Enabled(IServiceProvider services)
    {
        foreach (var module in All)
        {
            if (module.IsEnabled(services))
            {
                yield return module.Resolve(services);
            }
        }

        // Modules registered as IXmppModule services (tests' probes, later plug-ins) come last.
        foreach (var module in services.GetServices<IXmppModule>())
        {
            yield return module;
        }
    }

    private static void AddArchive(IServiceCollection services)
    {
        services.AddSingleton<ArchiveIds>();
        services.TryAddSingleton<IArchiveStore, SqlArchiveStore>();
        services.AddSingleton<ArchiveWriter>();
        services.AddSingleton<ArchiveQueries>();
        services.AddHostedService(sp => sp.GetRequiredService<ArchiveWriter>());
        services.AddSingleton<ArchiveRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ArchiveRetention>());
    }

    private static void AddStreamManagement(IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<StreamManagementOptions>, StreamManagementOptionsValidator>();
        services.AddSingleton<UnackedRedelivery>();
        services.AddSingleton<ResumableSessions>();
    }

    private static void AddPush(IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<PushOptions>, PushOptionsValidator>();
        services.TryAddSingleton<IPushStore, SqlPushStore>();
        services.AddSingleton<PushRegistrations>();
        services.AddHostedService(sp => sp.GetRequiredService<PushRegistrations>());
        services.AddSingleton<PushNotifier>();
    }

    private static void AddPep(IServiceCollection services)
    {
        services.TryAddSingleton<IPepStore, SqlPepStore>();
        services.AddSingleton<CapsCache>();
        services.AddSingleton<ContactResources>();
        services.AddSingleton<PepNotifier>();
        services.AddSingleton<PepPublisher>();
        services.AddSingleton<PepRequests>();
        services.AddSingleton<PepNodeDisco>();
        services.AddSingleton<PepOwnerRequests>();
    }

    private static void AddUpload(IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>();
        services.AddSingleton<UploadStore>();
        services.AddSingleton<UploadComponents>();
        services.AddSingleton<IComponentSet>(sp => sp.GetRequiredService<UploadComponents>());
        services.AddHostedService<UploadRetention>();
    }

    private static void AddMuc(IServiceCollection services)
    {
        services.TryAddSingleton<IRoomStore, SqlRoomStore>();
        services.AddSingleton<OccupantIds>();
        services.AddSingleton<MucRuntime>();
        services.AddSingleton<MucComponents>();
        services.AddSingleton<IComponentSet>(sp => sp.GetRequiredService<MucComponents>());
        services.AddHostedService(sp => sp.GetRequiredService<MucComponents>());
    }
}
