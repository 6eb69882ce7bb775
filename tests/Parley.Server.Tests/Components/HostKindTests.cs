using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Components;

/// <summary>Hosted domains have kinds; the router hands a component domain's stanzas to its handler.</summary>
public sealed class HostKindTests
{
    [Fact]
    public void Each_hosted_domain_has_one_kind()
    {
        var options = Options.Create(new ParleyOptions { Domains = ["localhost"] });
        var domains = new HostedDomains(options, [new RecordingComponent("echo.localhost", accepts: true)]);
        Assert.Equal(HostKind.UserDomain, domains.KindOf("localhost"));
        Assert.Equal(HostKind.InternalComponent, domains.KindOf("echo.localhost"));
        Assert.Null(domains.KindOf("example.org"));
        Assert.False(domains.Contains("echo.localhost"));
        Assert.True(domains.TryGetComponent("echo.localhost", out _));
        Assert.Equal(["echo.localhost"], domains.Components.Select(c => c.Domain));

        Assert.Throws<InvalidOperationException>(() => new HostedDomains(options, [new RecordingComponent("localhost", accepts: true)]));
        Assert.Throws<InvalidOperationException>(() => new HostedDomains(
            options, [new RecordingComponent("echo.localhost", accepts: true), new RecordingComponent("echo.localhost", accepts: true)]));
    }

    [Fact]
    public async Task Stanzas_to_a_component_domain_and_its_jids_reach_its_handler()
    {
        var component = new RecordingComponent("echo.localhost", accepts: true);
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<IComponentHandler>(component));
        await server.CreateAccountAsync("juliet", "secret");
        await using var juliet = await RawStream.ConnectAsync(server.C2s);
        await juliet.LoginAsync("juliet", "secret", "balcony");

        await juliet.SendAsync("<message to='room@echo.localhost/nick' type='groupchat' id='m1'><body>hi</body></message>");
        var (message, to) = await component.Received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("juliet@localhost/balcony", message.GetAttribute("from"));
        Assert.Equal(Jid.Parse("room@echo.localhost/nick"), to);

        await juliet.SendAsync("<iq to='echo.localhost' type='get' id='i1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        var (iq, _) = await component.Received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("i1", iq.GetAttribute("id"));

        // The component answers for its domain: the server's own modules never saw the IQ.
        await juliet.ExpectNothingPendingAsync();
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.3.3.19")]
    public async Task A_component_that_cannot_take_a_stanza_is_service_unavailable()
    {
        var component = new RecordingComponent("gone.localhost", accepts: false);
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<IComponentHandler>(component));
        await server.CreateAccountAsync("juliet", "secret");
        await using var juliet = await RawStream.ConnectAsync(server.C2s);
        await juliet.LoginAsync("juliet", "secret", "balcony");

        await juliet.SendAsync("<message to='someone@gone.localhost' type='chat' id='m1'><body>hi</body></message>");
        var error = await juliet.ExpectStanzaAsync("message");
        Assert.Equal("m1", error.GetAttribute("id"));
        Assert.Equal("service-unavailable", Exchange.Condition(error));
    }

    private sealed class RecordingComponent(string domain, bool accepts) : IComponentHandler
    {
        public Channel<(Element Stanza, Jid To)> Received { get; } = Channel.CreateUnbounded<(Element, Jid)>();

        public string Domain => domain;

        public HostKind Kind => HostKind.InternalComponent;

        public ValueTask<bool> DeliverAsync(Element stanza, Jid to, CancellationToken cancellationToken) =>
            ValueTask.FromResult(accepts && Received.Writer.TryWrite((stanza, to)));
    }
}
