using Microsoft.Extensions.Logging;
using Parley.Server.Hosting;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hosting;

/// <summary>
/// The open file limit is raised to the hard limit at start. These tests lower the soft limit of
/// the test process itself, so they run alone (no parallel test may start a server meanwhile).
/// RLIMIT_NOFILE is Linux's; the tests run on Linux like the rest of the suite.
/// </summary>
[Collection(ProcessLimitsCollection.Name)]
public sealed class OpenFileLimitTests
{
    [Fact]
    public void Raise_lifts_the_soft_limit_to_the_hard_limit()
    {
        var (_, hard) = OpenFileLimit.Read()!.Value;
        var lowered = Math.Min(hard - 1, 4096);
        Assert.True(OpenFileLimit.SetSoft(lowered));

        var outcome = OpenFileLimit.Raise();

        Assert.Null(outcome.Error);
        Assert.Equal((lowered, hard, hard), (outcome.Before, outcome.After, outcome.Hard));
        Assert.Equal((hard, hard), OpenFileLimit.Read());
    }

    [Fact]
    public async Task The_server_raises_the_limit_at_start_and_says_so()
    {
        var (_, hard) = OpenFileLimit.Read()!.Value;
        var lowered = Math.Min(hard - 1, 4096);
        Assert.True(OpenFileLimit.SetSoft(lowered));

        await using var server = await TestServer.StartAsync();

        Assert.Equal((hard, hard), OpenFileLimit.Read());
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Information
            && e.Message == $"Raised the open file limit from {lowered} to {hard} (the hard limit): each connection uses one");
    }

    [Fact]
    public async Task At_the_hard_limit_already_the_server_reports_the_limit()
    {
        OpenFileLimit.Raise();
        var (_, hard) = OpenFileLimit.Read()!.Value;

        await using var server = await TestServer.StartAsync();

        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith($"The open file limit is {hard}, already the hard limit", StringComparison.Ordinal));
    }
}
