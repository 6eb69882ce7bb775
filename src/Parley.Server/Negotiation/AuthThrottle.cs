using System.Net;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Negotiation;

/// <summary>
/// Slows password guessing: failed authentications are counted per source address and per account
/// name tried, and once either count reaches Limits:AuthFailuresBeforeDelay the outcome of the next
/// attempt — success as well as failure, so that waiting tells a guesser nothing — is answered only
/// after a delay that doubles from one second up to Limits:AuthMaxDelaySeconds (at most half
/// of Limits:NegotiationTimeoutSeconds). Unknown accounts
/// are counted exactly like existing ones, so the delay reveals nothing about which accounts exist.
/// RFC 6120 §6.4.5 bounds retries on one stream; this bounds them across streams.
/// </summary>
internal sealed class AuthThrottle
{
    private readonly LimitOptions _limits;
    private readonly TimeProvider _time;
    private readonly FailureCounts<IPAddress> _sources;
    private readonly FailureCounts<string> _accounts;
    private readonly Lock _lock = new();

    public AuthThrottle(IOptions<ParleyOptions> options, TimeProvider time)
    {
        _limits = options.Value.Limits;
        _time = time;
        var window = _limits.AuthFailureWindowSeconds * time.TimestampFrequency;
        _sources = new FailureCounts<IPAddress>(_limits.AuthThrottleEntries, window);
        _accounts = new FailureCounts<string>(_limits.AuthThrottleEntries, window);
    }

    public TimeProvider Time => _time;

    /// <summary>Entries held, both tables together (bounded by twice Limits:AuthThrottleEntries).</summary>
    public int Entries
    {
        get
        {
            lock (_lock)
            {
                return _sources.Count + _accounts.Count;
            }
        }
    }

    /// <summary>How long to hold the answer to an attempt, from the failures recorded before it.</summary>
    /// <param name="source">The client's address, null when unknown.</param>
    /// <param name="account">The account name tried (prepared bare JID when valid), null when none was named.</param>
    public TimeSpan Delay(IPAddress? source, string? account)
    {
        var now = _time.GetTimestamp();
        int failures;
        lock (_lock)
        {
            failures = Math.Max(source is null ? 0 : _sources.Get(source, now), account is null ? 0 : _accounts.Get(account, now));
        }

        return DelayAfter(failures);
    }

    /// <summary>Records a failed authentication (before its answer is held, so parallel attempts see it).</summary>
    public void Failed(IPAddress? source, string? account)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (source is not null)
            {
                _sources.Add(source, now);
            }

            if (account is not null)
            {
                _accounts.Add(account, now);
            }
        }
    }

    /// <summary>
    /// A successful login clears the account's count and the source's: whoever is at that address
    /// just proved a password, so the people behind one NAT are not held for a neighbour's typos.
    /// Guesses at any one account stay throttled by that account's own count.
    /// </summary>
    public void Succeeded(IPAddress? source, string account)
    {
        lock (_lock)
        {
            _accounts.Remove(account);
            if (source is not null)
            {
                _sources.Remove(source);
            }
        }
    }

    /// <summary>No delay below the threshold; at it 1 s, then 2 s, 4 s... capped at Limits:AuthMaxDelaySeconds and half the negotiation timeout.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        var over = failures - _limits.AuthFailuresBeforeDelay;
        if (over < 0)
        {
            return TimeSpan.Zero;
        }

        // Never more than half the negotiation timeout: a hold as long as the timeout would end every
        // held login, the right password included, in <connection-timeout/>.
        var longest = Math.Max(1, Math.Min(_limits.AuthMaxDelaySeconds, _limits.NegotiationTimeoutSeconds / 2));
        var seconds = over >= 30 ? longest : Math.Min(1L << over, longest);
        return TimeSpan.FromSeconds(seconds);
    }
}
