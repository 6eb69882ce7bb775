using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Push;

/// <summary>Every account's push registrations (XEP-0357), keyed by account, app server and node.</summary>
internal interface IPushStore
{
    /// <summary>Every registration of every account (read once at start).</summary>
    Task<IReadOnlyList<PushRegistration>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces the registration with the same account, app server and node.</summary>
    Task SaveAsync(PushRegistration registration, CancellationToken cancellationToken);

    /// <summary>Removes the account's registrations with that app server: one node, or every node when <paramref name="node"/> is null.</summary>
    Task RemoveAsync(Jid account, Jid appServer, string? node, CancellationToken cancellationToken);
}
