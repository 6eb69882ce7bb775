using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Limits;

/// <summary>Limits:ReadBytesPerSecond and Limits:ReadBurstBytes: a token bucket per connection, on a fake clock.</summary>
public sealed class ReadRateTests
{
    private const int Rate = 4096;
    private const int Burst = 8192;

    private readonly FakeTimeProvider _clock = ClockDriver.Create();

    [Fact]
    public async Task A_flooding_client_is_held_to_its_rate_while_another_client_is_answered_at_once()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<TimeProvider>(_clock),
            ("Limits:ReadBytesPerSecond", Rate.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Limits:ReadBurstBytes", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var flooder = await RawStream.ConnectAsync(server.C2s);
        await flooder.LoginAsync("juliet", "secret", "flood");
        await using var other = await RawStream.ConnectAsync(server.C2s);
        await other.LoginAsync("romeo", "secret", "calm");

        // 600 pings of one fixed size, about 36 KiB: several times the burst.
        const int Pings = 600;
        var ping = Ping(0);
        var size = Encoding.UTF8.GetByteCount(ping);
        var flood = new StringBuilder();
        for (var i = 0; i < Pings; i++)
        {
            flood.Append(Ping(i));
        }

        await flooder.SendAsync(flood.ToString());

        // The other client's round trip completes while the flood is still waiting for the clock.
        await other.SendAsync("<iq type='get' id='calm' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("calm", (await other.ExpectStanzaAsync("iq")).GetAttribute("id"));

        // Each answer means one more ping was read, and a ping can only be read once the bucket held its
        // bytes. The clock moves only when no answer comes, so an answer seen at a clock reading was read by then.
        var elapsed = TimeSpan.Zero;
        for (var answered = 1; answered <= Pings; answered++)
        {
            var next = flooder.ExpectStanzaAsync("iq");
            elapsed += await _clock.AdvanceUntilAsync(next, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            Assert.Equal("p" + (answered - 1).ToString("D4", System.Globalization.CultureInfo.InvariantCulture), (await next).GetAttribute("id"));
            Assert.True(answered * size <= Burst + (Rate * elapsed.TotalSeconds), $"{answered} pings of {size} bytes read after {elapsed.TotalSeconds} s: more than {Burst} + {Rate}/s");
        }

        // Slowed, not dropped: every ping was answered, in order, and it took the clock the time the rate asks for.
        Assert.True(elapsed.TotalSeconds >= ((Pings * size) - Burst) / Rate, $"All {Pings} pings read after only {elapsed.TotalSeconds} s");
    }

    private static string Ping(int i) =>
        $"<iq type='get' id='p{i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>";
}
