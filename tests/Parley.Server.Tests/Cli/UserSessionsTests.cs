using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp.Streams;
using CommandLine = Parley.Cli.Cli;

namespace Parley.Server.Tests.Cli;

/// <summary>
/// `parley user remove` and `parley user passwd --kick`, run as the separate command they are, end the
/// account's live sessions on a running server through its admin socket (docs/operations.md).
/// </summary>
public sealed class UserSessionsTests
{
    [Fact]
    [Trait("Conformance", "XEP-0077 §3.2")]
    public async Task User_remove_ends_every_live_session_of_the_account_and_purges_its_data()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var phone = await LoggedInAsync(server, "juliet", "phone");
        await using var laptop = await LoggedInAsync(server, "juliet", "laptop");
        await using var romeo = await LoggedInAsync(server, "romeo", "balcony");
        Assert.Equal("result", (await phone.AskAsync("<iq type='set' id='v'><vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard></iq>")).GetAttribute("type"));

        var (code, output, error) = await RunAsync("user", "remove", "juliet@localhost", "--data", server.DataDirectory, "--domain", "localhost");

        Assert.True(code == 0, error);
        Assert.Equal("Removed juliet@localhost\nEnded 2 live session(s) of juliet@localhost\n", output);
        await phone.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
        await laptop.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);

        // Others keep their sessions; the account's data went with it, so an account made again
        // under the same name starts empty (its old vCard is not served).
        Assert.Equal("result", (await romeo.AskAsync("<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>")).GetAttribute("type"));
        Assert.Equal(0, (await RunAsync("user", "add", "juliet@localhost", "--password", "again", "--data", server.DataDirectory, "--domain", "localhost")).Code);
        Assert.Equal("service-unavailable", Exchange.Condition(await romeo.AskAsync("<iq type='get' id='g' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>")));
    }

    [Fact]
    public async Task User_passwd_ends_the_sessions_only_when_asked_with_kick()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var phone = await LoggedInAsync(server, "juliet", "phone");

        var quiet = await RunAsync("user", "passwd", "juliet@localhost", "--password", "second", "--data", server.DataDirectory, "--domain", "localhost");
        Assert.Equal((0, "Changed the password of juliet@localhost\n", ""), quiet);
        Assert.Equal("result", (await phone.AskAsync("<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>")).GetAttribute("type"));

        var kick = await RunAsync("user", "passwd", "juliet@localhost", "--password", "third", "--kick", "--data", server.DataDirectory, "--domain", "localhost");
        Assert.Equal((0, "Changed the password of juliet@localhost\nEnded 1 live session(s) of juliet@localhost\n", ""), kick);
        await phone.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);

        await using var again = await LoggedInAsync(server, "juliet", "phone", "third");
    }

    private static async Task<RawStream> LoggedInAsync(TestServer server, string user, string resource, string password = "secret")
    {
        var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync(user, password, resource);
        return client;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await CommandLine.RunAsync(args, output, error, TextReader.Null);
        return (code, output.ToString(), error.ToString());
    }
}
