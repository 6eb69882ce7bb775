using Microsoft.Extensions.Time.Testing;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// Moves a server's fake clock forward in steps until something the test awaits happens, and says
/// how far the clock had to go. The server cannot act on a deadline before the clock reaches it,
/// so the returned figure is a deterministic lower bound on the server's wait.
/// </summary>
internal static class ClockDriver
{
    /// <summary>A clock at the real current time, so certificates and stored dates look ordinary.</summary>
    public static FakeTimeProvider Create() => new(DateTimeOffset.UtcNow);

    public static async Task<TimeSpan> AdvanceUntilAsync(this FakeTimeProvider clock, Task awaited, TimeSpan step, TimeSpan limit)
    {
        var advanced = TimeSpan.Zero;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            // Let the server take in the last step (it may still be on its way to its timer) before the next one.
            await Task.WhenAny(awaited, Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token));
            if (awaited.IsCompleted)
            {
                await awaited;
                return advanced;
            }

            Assert.True(advanced < limit, $"Nothing happened within {limit} of fake time");
            clock.Advance(step);
            advanced += step;
        }
    }
}
