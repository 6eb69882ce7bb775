using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Server.Sessions;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Negotiation;

/// <summary>
/// RFC 6120 §4.9.3: the stream errors a client can provoke on a c2s stream, over a real socket.
/// Each case asserts the exact condition, then that the stream is closed (§4.4); the server must
/// not log an error for any of them (checked when the <see cref="TestServer"/> is disposed).
/// </summary>
public sealed class StreamErrorTests
{
    private const string Declaration = "<?xml version='1.0'?>";

    /// <summary>The header without the XML declaration, which is only allowed at the very start (XML 1.0 §2.8).</summary>
    private static readonly string BareHeader = RawStream.Header[Declaration.Length..];

    private static readonly string BillionLaughs = Declaration
        + "<!DOCTYPE stream:stream [<!ENTITY lol 'lol'>"
        + "<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
        + "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>]>";

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3.2")]
    [InlineData("<message><x:body>hi</x:body></message>")]
    [InlineData("<message x:type='chat'/>")]
    [InlineData("<x:message/>")]
    public async Task Undeclared_prefix_in_a_stanza_gets_bad_namespace_prefix(string stanza) =>
        await AfterOpenAsync(stanza, StreamErrorCondition.BadNamespacePrefix);

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.2 §4.9.1.1")]
    public async Task Undeclared_prefix_on_the_header_gets_bad_namespace_prefix()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SendAsync(RawStream.Header.Replace(" xmlns:stream='http://etherx.jabber.org/streams'", "", StringComparison.Ordinal));
        await client.ExpectStreamErrorAsync(StreamErrorCondition.BadNamespacePrefix);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.22 §11.6")]
    public async Task Invalid_utf8_in_a_stanza_gets_unsupported_encoding() =>
        // C3 28: a two-byte lead followed by ASCII.
        await AfterOpenAsync([.. "<message><body>"u8, 0xC3, 0x28, .. "</body></message>"u8], StreamErrorCondition.UnsupportedEncoding);

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.22 §11.6")]
    public async Task Latin1_declaration_gets_unsupported_encoding() =>
        await BeforeHeaderAsync(
            Encoding.Latin1.GetBytes("<?xml version='1.0' encoding='ISO-8859-1'?>" + BareHeader),
            StreamErrorCondition.UnsupportedEncoding);

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3.22 §11.6")]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task Utf16_gets_unsupported_encoding(bool byteOrderMark, bool bigEndian)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark);
        await BeforeHeaderAsync([.. encoding.GetPreamble(), .. encoding.GetBytes(RawStream.Header)], StreamErrorCondition.UnsupportedEncoding);
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3.18 §11.1")]
    [InlineData("<?target data?>")]
    [InlineData("<message><?target data?></message>")]
    [InlineData("<!DOCTYPE message>")]
    [InlineData("<message><body>&foo;</body></message>")]
    [InlineData("<message to='&lol2;'/>")]
    public async Task Restricted_markup_in_the_stream_gets_restricted_xml(string xml) =>
        await AfterOpenAsync(xml, StreamErrorCondition.RestrictedXml);

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.18 §11.1")]
    public async Task Processing_instruction_before_the_header_gets_restricted_xml() =>
        await BeforeHeaderAsync(Encoding.UTF8.GetBytes(Declaration + "<?xml-stylesheet href='a.xsl'?>" + BareHeader), StreamErrorCondition.RestrictedXml);

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.18 §11.1")]
    public async Task Entity_declarations_before_the_header_get_restricted_xml() =>
        // The "billion laughs" expansion attack: refused at "<!", before any entity is read.
        await BeforeHeaderAsync(Encoding.UTF8.GetBytes(BillionLaughs + BareHeader + "<message><body>&lol2;</body></message>"), StreamErrorCondition.RestrictedXml);

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3.13")]
    [InlineData("<message><body>hi</body></presence>")]
    [InlineData("<message id='a' id='b'/>")]
    [InlineData("<message xmlns:a='urn:x' xmlns:b='urn:x' a:t='1' b:t='2'/>")]
    [InlineData("<message><body>&#1;</body></message>")]
    [InlineData("<message><body>]]></body></message>")]
    [InlineData("stray text")]
    public async Task Malformed_xml_gets_not_well_formed(string xml) =>
        await AfterOpenAsync(xml, StreamErrorCondition.NotWellFormed);

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3.13 §11.1")]
    [InlineData(0x01)]
    [InlineData(0x1F)]
    public async Task Forbidden_control_character_gets_not_well_formed(byte control) =>
        await AfterOpenAsync([.. "<message><body>"u8, control, .. "</body></message>"u8], StreamErrorCondition.NotWellFormed);

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.13")]
    public async Task Noncharacter_gets_not_well_formed() =>
        // EF BF BF is valid UTF-8 for U+FFFF, which XML 1.0 §2.2 excludes from Char.
        await AfterOpenAsync([.. "<message><body>"u8, 0xEF, 0xBF, 0xBF, .. "</body></message>"u8], StreamErrorCondition.NotWellFormed);

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3.24")]
    [InlineData("<foo/>")]
    [InlineData("<query xmlns='jabber:iq:roster'/>")]
    [InlineData("<message xmlns='jabber:server'/>")]
    public async Task Unknown_top_level_element_after_binding_gets_unsupported_stanza_type(string xml)
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        await client.SendAsync(xml);
        await client.ExpectStreamErrorAsync(StreamErrorCondition.UnsupportedStanzaType);
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3.1")]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Second_header_without_a_restart_gets_bad_format(bool bound, bool selfClosed)
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        if (bound)
        {
            await client.LoginAsync("juliet", "secret");
        }
        else
        {
            await client.OpenAsync();
        }

        // Only SASL success and STARTTLS restart the stream; a header anywhere else is refused at its start tag.
        await client.SendAsync((selfClosed ? BareHeader.Replace("'>", "'/>", StringComparison.Ordinal) : BareHeader) + "<presence/>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.BadFormat);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.24 §6.4")]
    public async Task Unknown_sasl_element_before_authentication_gets_unsupported_stanza_type()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        await client.SendAsync("<foo xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.UnsupportedStanzaType);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.12 §6.1")]
    public async Task Unknown_client_element_before_authentication_gets_not_authorized()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        await client.SendAsync("<foo/>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    public async Task Nesting_deeper_than_the_limit_gets_policy_violation() =>
        // <message> is level 1, so <d/> is level 5.
        await AfterOpenAsync("<message><a><b><c><d/></c></b></a></message>", StreamErrorCondition.PolicyViolation, ("Limits:MaxDepth", "4"));

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    public async Task Nesting_at_the_limit_is_accepted()
    {
        await using var server = await TestServer.StartAsync(("Limits:MaxDepth", "4"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        await client.SendAsync("<iq type='get' id='deep'><ping xmlns='urn:xmpp:ping'><a><b/></a></ping></iq>");
        Assert.Equal("deep", (await client.ExpectStanzaAsync("iq")).GetAttribute("id"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    public async Task Too_many_attributes_get_policy_violation()
    {
        var attributes = string.Concat(Enumerable.Range(0, 65).Select(i => $" a{i}='x'"));
        await AfterOpenAsync($"<message{attributes}/>", StreamErrorCondition.PolicyViolation);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    public async Task Overlong_name_gets_policy_violation() =>
        await AfterOpenAsync($"<message><{new string('a', 257)}/></message>", StreamErrorCondition.PolicyViolation);

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14 §4.9.1.1")]
    public async Task Oversized_header_gets_policy_violation() =>
        await BeforeHeaderAsync(
            Encoding.UTF8.GetBytes(RawStream.Header.Replace(" version=", $" padding='{new string('x', 5000)}' version=", StringComparison.Ordinal)),
            StreamErrorCondition.PolicyViolation);

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    public async Task Oversized_stanza_before_authentication_gets_policy_violation() =>
        await AfterOpenAsync($"<message><body>{new string('x', 8192)}</body></message>", StreamErrorCondition.PolicyViolation, ("Limits:MaxStanzaBytes", "4096"));

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14 §5.4.3.1")]
    public async Task Second_starttls_gets_policy_violation()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        await client.SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.18 §4.9.3.22 §4.9.3.14 §4.9.3.2")]
    public async Task Provoked_stream_errors_leave_other_clients_served()
    {
        await using var server = await TestServer.StartAsync(("Limits:MaxDepth", "4"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var other = await RawStream.ConnectAsync(server.C2s);
        await other.LoginAsync("juliet", "secret", "other");

        (byte[] Bytes, StreamErrorCondition Condition)[] provocations =
        [
            (Encoding.UTF8.GetBytes(BillionLaughs + BareHeader), StreamErrorCondition.RestrictedXml),
            ([.. Encoding.UTF8.GetBytes(RawStream.Header), .. "<message><body>"u8, 0xFF, .. "</body></message>"u8], StreamErrorCondition.UnsupportedEncoding),
            (Encoding.UTF8.GetBytes(RawStream.Header + "<message><a><b><c><d/></c></b></a></message>"), StreamErrorCondition.PolicyViolation),
            (Encoding.UTF8.GetBytes(RawStream.Header + "<x:message/>"), StreamErrorCondition.BadNamespacePrefix),
        ];
        foreach (var (bytes, condition) in provocations)
        {
            await using var attacker = await RawStream.ConnectAsync(server.C2s);
            await attacker.SendAsync(bytes);
            await attacker.ExpectStreamErrorAsync(condition);

            await other.SendAsync($"<iq type='get' id='{condition}'><ping xmlns='urn:xmpp:ping'/></iq>");
            Assert.Equal(condition.ToString(), (await other.ExpectStanzaAsync("iq")).GetAttribute("id"));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.8")]
    public async Task Server_fault_gets_internal_server_error_and_is_logged()
    {
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<ISessionDirectory, FailingSessionDirectory>());
        server.ErrorsExpected = true;
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        Assert.True((await client.AuthenticatePlainAsync("juliet", "secret")).Is("success", Namespaces.Sasl));
        await client.OpenAsync();
        await client.SendAsync("<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.InternalServerError);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    private static Task AfterOpenAsync(string xml, StreamErrorCondition condition, params (string Key, string Value)[] settings) =>
        AfterOpenAsync(Encoding.UTF8.GetBytes(xml), condition, settings);

    /// <summary>Opens a stream (no TLS: the parser runs before negotiation), sends the bytes and expects the error.</summary>
    private static async Task AfterOpenAsync(byte[] bytes, StreamErrorCondition condition, params (string Key, string Value)[] settings)
    {
        await using var server = await TestServer.StartAsync(settings);
        await using var client = await RawStream.ConnectAsync(server.C2s);
        var features = await client.OpenAsync();
        Assert.NotNull(features.Child("starttls", Namespaces.Tls));
        await client.SendAsync(bytes);
        await client.ExpectStreamErrorAsync(condition);
    }

    /// <summary>Sends the bytes as the first thing on the connection; the server answers with a header, then the error (RFC 6120 §4.9.1.1).</summary>
    private static async Task BeforeHeaderAsync(byte[] bytes, StreamErrorCondition condition)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SendAsync(bytes);
        await client.ExpectStreamErrorAsync(condition);
    }

    /// <summary>A session directory whose store is broken: binding throws where no handler expects it.</summary>
    private sealed class FailingSessionDirectory : ISessionDirectory
    {
        public BindOutcome TryBind(ClientSession session, int maxResourcesPerAccount) =>
            throw new InvalidOperationException("session directory unavailable");

        public bool Unbind(ClientSession session) => false;

        public ClientSession? Find(Jid fullJid) => null;

        public IReadOnlyList<ClientSession> Resources(Jid account) => [];
    }
}
