using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Accounts;
using Parley.Server.Admin;
using Parley.Server.Components;
using Parley.Server.Connections;
using Parley.Server.Diagnostics;
using Parley.Server.Federation;
using Parley.Server.Http;
using Parley.Server.Modules;
using Parley.Server.Modules.Archive;
using Parley.Server.Modules.Blocking;
using Parley.Server.Modules.Carbons;
using Parley.Server.Modules.Disco;
using Parley.Server.Modules.Messages;
using Parley.Server.Modules.Muc;
using Parley.Server.Modules.Offline;
using Parley.Server.Modules.Ping;
using Parley.Server.Modules.Presence;
using Parley.Server.Modules.PrivateStorage;
using Parley.Server.Modules.Register;
using Parley.Server.Modules.Roster;
using Parley.Server.Modules.Session;
using Parley.Server.Modules.VCard;
using Parley.Server.Modules.Version;
using Parley.Server.Negotiation;
using Parley.Server.Routing;
using Parley.Server.Sessions;

namespace Parley.Server.Hosting;

/// <summary>
/// Builds the server: the generic host with Kestrel serving the XMPP listeners through connection
/// delegates and, when Http:* ports are set, the HTTP endpoints (<see cref="HttpApplication"/>), storage and options from the core registration, and the c2s
/// pipeline (connections, negotiation, sessions, routing, modules).
/// </summary>
public static class ServerHost
{
    public static IHost Build(IConfiguration configuration) => Build(configuration, null, ephemeralPorts: false);

    /// <param name="configureServices">Last-word service overrides (tests: in-memory stores, log capture).</param>
    /// <param name="ephemeralPorts">Bind every enabled listener to port 0 and let the OS choose (tests); see <see cref="ListenerEndpoints"/>.</param>
    internal static IHost Build(IConfiguration configuration, Action<IServiceCollection>? configureServices, bool ephemeralPorts, bool consoleLogging = true)
    {
        return new HostBuilder()
            .ConfigureAppConfiguration(config => config.AddConfiguration(configuration))
            .ConfigureLogging(logging =>
            {
                logging.AddConfiguration(configuration.GetSection("Logging"));
                // Kestrel's lifetime messages announce "http://" addresses; ListenerEndpoints logs the XMPP ones.
                logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
                // A failed start is reported once, as one line, by whoever started the host (`parley serve`);
                // the host's own report of it is the exception with its stack trace.
                logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
                if (consoleLogging)
                {
                    ConsoleLogging.Add(logging, configuration[nameof(ParleyOptions.LogFormat)]);
                }
            })
            .ConfigureServices(services =>
            {
                services.AddParleyCore(configuration);
                AddXmppServer(services, configuration);
                configureServices?.Invoke(services);
            })
            .ConfigureWebHost(web => web
                .UseKestrelCore()
                .UseKestrelHttpsConfiguration()
                .ConfigureKestrel(kestrel => MapListeners(kestrel, ephemeralPorts))
                .Configure(HttpApplication.Configure))
            .Build();
    }

    private static void AddXmppServer(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<OpenFileLimit>();
        services.AddSingleton<Heartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<Heartbeat>());
        services.AddSingleton(sp => new ListenerEndpoints(sp.GetRequiredService<ILogger<ListenerEndpoints>>(), sp.GetRequiredService<IOptions<ParleyOptions>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ListenerEndpoints>());
        services.AddSingleton<ServerTls>();
        services.AddFederation();
        services.AddSingleton<ConnectionServices>();
        services.AddSingleton<C2sConnectionHandler>();
        services.AddSingleton<ConnectionLimiter>();
        services.AddSingleton<AuthThrottle>();
        services.AddSingleton<RegistrationThrottle>();
        services.AddSingleton<NegotiationServices>();
        services.TryAddSingleton<ISessionDirectory, LocalSessionDirectory>();
        services.TryAddSingleton<IRemoteRouter>(sp => sp.GetRequiredService<IOptions<ParleyOptions>>().Value.S2s.Port == 0
            ? new NoFederationRouter()
            : new FederationRouter(sp.GetRequiredService<S2sConnector>()));
        services.AddSingleton<FederationServices>();
        services.AddSingleton<S2sConnector>();
        services.AddHostedService(sp => sp.GetRequiredService<S2sConnector>());
        services.AddSingleton<S2sConnectionHandler>();
        services.AddSingleton<HostedDomains>();
        services.AddSingleton<AdminSocket>();
        services.AddSingleton<ComponentConnectionHandler>();
        services.AddSingleton<StanzaRouter>();
        services.AddSingleton<StanzaDelivery>();
        services.AddSingleton<EventBus>();
        services.AddSingleton<AccountLocks>();

        // Shared by several modules: the roster (presence, subscriptions, blocking), blocklists, privacy.
        services.AddSingleton<AccountPrivacy>();
        services.TryAddSingleton<IRosterStore, SqlRosterStore>();
        services.AddSingleton<PendingRequestQuota>();
        services.AddSingleton<Rosters>();
        services.AddSingleton<Subscriptions>();
        services.TryAddSingleton<IBlocklistStore, SqlBlocklistStore>();
        services.AddSingleton<Blocklists>();
        ServerModules.Add(services, configuration);
        HttpApplication.AddServices(services);
    }

    /// <summary>The local admin socket (<see cref="AdminSocket"/>) in the data folder, for `parley user` run beside the server.</summary>
    private static void ListenAdmin(KestrelServerOptions kestrel, ParleyOptions options)
    {
        var services = kestrel.ApplicationServices;
        var path = Path.Combine(options.DataDirectory, AdminSocket.FileName);
        var logger = services.GetRequiredService<ILogger<AdminSocket>>();
        if (Encoding.UTF8.GetByteCount(path) >= AdminSocket.MaxPathBytes)
        {
            AdminLog.PathTooLong(logger, path);
            return;
        }

        // Left behind by a server that did not stop cleanly: a socket file nobody listens on. (On a
        // first start the folder does not exist yet; it is made before the listeners bind.)
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var admin = services.GetRequiredService<AdminSocket>();
        kestrel.ListenUnixSocket(path, listen => listen.Run(admin.HandleAsync));
        AdminLog.Listening(logger, path);
    }

    private static void MapListeners(KestrelServerOptions kestrel, bool ephemeralPorts)
    {
        var services = kestrel.ApplicationServices;
        var options = services.GetRequiredService<IOptions<ParleyOptions>>().Value;
        var endpoints = services.GetRequiredService<ListenerEndpoints>();
        var handler = services.GetRequiredService<C2sConnectionHandler>();

        void Listen(string kind, int port, bool directTls, Func<ConnectionContext, bool, Task>? run = null)
        {
            run ??= handler.HandleAsync;
            if (port == 0)
            {
                return;
            }

            var bindPort = ephemeralPorts ? 0 : port;
            void Configure(ListenOptions listen)
            {
                listen.Run(context => run(context, directTls));
                endpoints.Add(kind, listen);
            }

            if (options.Bind.Count == 0)
            {
                // IPv6 any with dual mode, falling back to IPv4 any where IPv6 is unavailable.
                kestrel.ListenAnyIP(bindPort, Configure);
                return;
            }

            foreach (var address in options.Bind)
            {
                kestrel.Listen(IPAddress.Parse(address), bindPort, Configure);
            }
        }

        if (options.C2sPort == 0 && options.C2sTlsPort == 0)
        {
            // Kestrel would otherwise fall back to an HTTP listener on localhost:5000.
            throw new InvalidOperationException("C2sPort and C2sTlsPort are both 0: no listener to start.");
        }

        ListenAdmin(kestrel, options);
        Listen(ListenerEndpoints.C2s, options.C2sPort, directTls: false);
        Listen(ListenerEndpoints.C2sTls, options.C2sTlsPort, directTls: true);
        if (options.S2s.Port != 0)
        {
            Listen(ListenerEndpoints.S2s, options.S2s.Port, directTls: false, services.GetRequiredService<S2sConnectionHandler>().HandleAsync);
        }

        if (options.Components.Port != 0)
        {
            Listen(ListenerEndpoints.Component, options.Components.Port, directTls: false, services.GetRequiredService<ComponentConnectionHandler>().HandleAsync);
        }

        HttpListeners.Map(kestrel, options, endpoints, ephemeralPorts);
    }
}
