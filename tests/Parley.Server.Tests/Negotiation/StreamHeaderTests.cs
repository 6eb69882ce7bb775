using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Negotiation;

/// <summary>RFC 6120 §4.7 stream headers and §4.9 stream errors over a real socket.</summary>
public sealed class StreamHeaderTests
{
    [Fact]
    [Trait("Conformance", "RFC 6120 §4.7.1 §5.3.1")]
    public async Task Header_is_answered_with_domain_id_version_and_required_starttls()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SendAsync(RawStream.Header.Replace("version='1.0'>", "version='1.0' from='juliet@localhost' xml:lang='fr'>"));
        var header = await client.ExpectHeaderAsync();
        Assert.Equal("localhost", header.GetAttribute("from"));
        Assert.Equal("juliet@localhost", header.GetAttribute("to"));
        Assert.Equal("1.0", header.GetAttribute("version"));
        Assert.Equal("fr", header.Lang);
        Assert.Equal(32, header.GetAttribute("id")!.Length);
        var features = await client.ExpectAsync("features", Namespaces.Streams);
        var starttls = features.Child("starttls", Namespaces.Tls);
        Assert.NotNull(starttls);
        Assert.NotNull(starttls.Child("required", Namespaces.Tls));
        Assert.Null(features.Child("mechanisms", Namespaces.Sasl));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.6")]
    public async Task Unknown_domain_gets_host_unknown()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SendAsync(RawStream.Header.Replace("to='localhost'", "to='example.org'"));
        await client.ExpectStreamErrorAsync(StreamErrorCondition.HostUnknown);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.10")]
    public async Task Wrong_default_namespace_gets_invalid_namespace()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SendAsync(RawStream.Header.Replace("xmlns='jabber:client'", "xmlns='jabber:server'"));
        await client.ExpectStreamErrorAsync(StreamErrorCondition.InvalidNamespace);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.10")]
    public async Task Wrong_stream_namespace_gets_invalid_namespace()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SendAsync(RawStream.Header.Replace("xmlns:stream='http://etherx.jabber.org/streams'", "xmlns:stream='urn:example:wrong'"));
        await client.ExpectStreamErrorAsync(StreamErrorCondition.InvalidNamespace);
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.7.5 §4.9.3.25")]
    [InlineData(" version='1.0'>", ">")]
    [InlineData(" version='1.0'>", " version='2.0'>")]
    public async Task Missing_or_unsupported_version_gets_unsupported_version(string from, string to)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SendAsync(RawStream.Header.Replace(from, to));
        await client.ExpectStreamErrorAsync(StreamErrorCondition.UnsupportedVersion);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.13")]
    public async Task Malformed_xml_gets_not_well_formed()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.OpenAsync();
        await client.SendAsync("<message><body></message>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.NotWellFormed);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.18 §11.1")]
    public async Task Comment_gets_restricted_xml()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.OpenAsync();
        await client.SendAsync("<!-- hello -->");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.RestrictedXml);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.4")]
    public async Task Closing_the_stream_is_answered_with_a_close()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.OpenAsync();
        await client.SendAsync("</stream:stream>");
        Assert.Null(await ExpectCloseTagThenEndAsync(client));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.4")]
    public async Task Slow_negotiation_gets_connection_timeout()
    {
        await using var server = await TestServer.StartAsync(("Limits:NegotiationTimeoutSeconds", "1"));
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.OpenAsync();
        await client.ExpectStreamErrorAsync(StreamErrorCondition.ConnectionTimeout);
    }

    [Fact]
    public async Task Both_client_ports_disabled_fails_the_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(("C2sPort", "0"), ("C2sTlsPort", "0")));
        Assert.Contains("C2sPort", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.4 §4.9.1.1")]
    public async Task Silent_client_gets_a_header_then_connection_timeout()
    {
        await using var server = await TestServer.StartAsync(("Limits:NegotiationTimeoutSeconds", "1"));
        await using var client = await RawStream.ConnectAsync(server.C2s);
        Assert.Equal("localhost", (await client.ExpectHeaderAsync()).GetAttribute("from"));
        await client.ExpectStreamErrorAsync(StreamErrorCondition.ConnectionTimeout);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.1 §4.9.3.12")]
    public async Task Stanza_before_authentication_gets_not_authorized()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        await client.SendAsync("<message to='someone@localhost'><body>hi</body></message>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.17")]
    public async Task Stopping_the_server_ends_streams_with_system_shutdown()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        var stopping = server.StopAsync();
        await client.ExpectStreamErrorAsync(StreamErrorCondition.SystemShutdown);
        await stopping;
    }

    private static async Task<Parley.Xmpp.Xml.XmlStreamEvent?> ExpectCloseTagThenEndAsync(RawStream client)
    {
        var closed = await client.NextAsync();
        Assert.Equal(Parley.Xmpp.Xml.XmlStreamEventKind.StreamClosed, closed?.Kind);
        return await client.NextAsync();
    }
}
