using System.Net;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Register;

/// <summary>
/// What XEP-0077 in-band registration may cost, each within a sliding hour: attempts per source
/// address (Limits:RegistrationAttemptsPerIpPerHour, counted whatever their outcome, since a
/// refused one costs the server too), accounts created per source address
/// (Limits:RegistrationsPerIpPerHour, so one host cannot mint accounts for spam) and password
/// changes per account (Limits:PasswordChangesPerAccountPerHour, each costs two key derivations).
/// Each table is bounded by Limits:AuthThrottleEntries. A null source (no IP) is not limited.
/// </summary>
internal sealed class RegistrationThrottle(IOptions<ParleyOptions> options, TimeProvider time)
{
    private readonly HourlyQuota<IPAddress> _attempts = new(options.Value.Limits.RegistrationAttemptsPerIpPerHour, options.Value.Limits.AuthThrottleEntries, time);
    private readonly HourlyQuota<IPAddress> _created = new(options.Value.Limits.RegistrationsPerIpPerHour, options.Value.Limits.AuthThrottleEntries, time);
    private readonly HourlyQuota<Jid> _passwordChanges = new(options.Value.Limits.PasswordChangesPerAccountPerHour, options.Value.Limits.AuthThrottleEntries, time);

    /// <summary>Counts a registration attempt from <paramref name="source"/>; false when it must be refused.</summary>
    public bool TryAttempt(IPAddress? source) =>
        source is null || (_attempts.TryCount(source) && _created.Allows(source));

    /// <summary>Counts an account created from <paramref name="source"/>.</summary>
    public void Registered(IPAddress? source)
    {
        if (source is not null)
        {
            _created.Count(source);
        }
    }

    /// <summary>Counts a password change of <paramref name="account"/>; false when it must be refused.</summary>
    public bool TryChangePassword(Jid account) => _passwordChanges.TryCount(account);
}
