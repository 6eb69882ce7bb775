using System.Text;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Negotiation;

/// <summary>
/// Issue #5 "Hostile input": exact bytes at every stage of a c2s stream (before the header, among
/// the features, after authentication, after binding), each answered with the stream error RFC 6120
/// §4.9.3 names, the stream closed (§4.4), and then a bystander's ping answered to prove the server
/// still serves everyone else. One server serves the whole class; the server must not log an error.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Bystander bystander) : IClassFixture<HostileInputTests.Bystander>
{
    public enum Stage
    {
        /// <summary>Plaintext, after the server's header and features, before STARTTLS.</summary>
        Features,

        /// <summary>Over TLS, after SASL success and the stream restart, before binding.</summary>
        Authenticated,

        /// <summary>Over TLS with a bound resource: a full session.</summary>
        Bound,
    }

    private const string Prolog = "<?xml version='1.0'?>";

    /// <summary>The header without its XML declaration, which may only come first (XML 1.0 §2.8).</summary>
    private static readonly string BareHeader = RawStream.Header[Prolog.Length..];

    /// <summary>Bytes that arrive instead of (or around) the stream header.</summary>
    private static readonly Dictionary<string, (byte[] Bytes, StreamErrorCondition Condition)> BeforeHeader = new()
    {
        // RFC 6120 §11.1: no DTD at all, so no entity is ever declared, let alone expanded (billion laughs, XXE).
        ["billion-laughs"] = (Utf8(Prolog + "<!DOCTYPE stream:stream [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
            + "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>" + BareHeader + "<message><body>&d;</body></message>"), StreamErrorCondition.RestrictedXml),
        ["external-entity"] = (Utf8(Prolog + "<!DOCTYPE stream:stream [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>" + BareHeader), StreamErrorCondition.RestrictedXml),
        ["comment"] = (Utf8("<!-- hello -->" + BareHeader), StreamErrorCondition.RestrictedXml),
        ["processing-instruction"] = (Utf8(Prolog + "<?xml-stylesheet href='a.xsl'?>" + BareHeader), StreamErrorCondition.RestrictedXml),
        ["text-before-the-header"] = (Utf8("hello" + BareHeader), StreamErrorCondition.NotWellFormed),
        ["unterminated-header"] = (Utf8(RawStream.Header.TrimEnd('>') + "<"), StreamErrorCondition.NotWellFormed),
        ["overlong-in-the-header"] = ([.. Utf8(RawStream.Header[..RawStream.Header.IndexOf("host'", StringComparison.Ordinal)]), 0xC0, 0xAF, .. Utf8(RawStream.Header[RawStream.Header.IndexOf("host'", StringComparison.Ordinal)..])], StreamErrorCondition.UnsupportedEncoding),
        ["unbound-stream-prefix"] = (Utf8(RawStream.Header.Replace(" xmlns:stream='http://etherx.jabber.org/streams'", "", StringComparison.Ordinal)), StreamErrorCondition.BadNamespacePrefix),
        ["wrong-stream-namespace"] = (Utf8(RawStream.Header.Replace("etherx.jabber.org/streams", "etherx.jabber.org/streamz", StringComparison.Ordinal)), StreamErrorCondition.InvalidNamespace),
        ["xml-prefix-rebound-on-the-header"] = (Utf8(RawStream.Header.Replace("version='1.0'>", "version='1.0' xmlns:xml='urn:evil'>", StringComparison.Ordinal)), StreamErrorCondition.NotWellFormed),
    };

    /// <summary>Bytes sent once a stream is open, at any stage.</summary>
    private static readonly Dictionary<string, (byte[] Bytes, StreamErrorCondition Condition)> InsideTheStream = new()
    {
        ["unclosed-element"] = (Utf8("<message><body>hi</message>"), StreamErrorCondition.NotWellFormed),
        ["text-at-stream-level"] = (Utf8("stray text"), StreamErrorCondition.NotWellFormed),
        ["cdata-at-stream-level"] = (Utf8("<![CDATA[x]]>"), StreamErrorCondition.NotWellFormed),
        ["wrong-closing-tag"] = (Utf8("</stream:streamx>"), StreamErrorCondition.NotWellFormed),
        // RFC 3629 §3 / RFC 6120 §11.6: overlong forms and UTF-8-encoded surrogates are not UTF-8.
        ["overlong-slash"] = ([.. "<message><body>"u8, 0xC0, 0xAF, .. "</body></message>"u8], StreamErrorCondition.UnsupportedEncoding),
        ["overlong-three-byte"] = ([.. "<message><body>"u8, 0xE0, 0x80, 0xBC, .. "</body></message>"u8], StreamErrorCondition.UnsupportedEncoding),
        ["encoded-surrogate"] = ([.. "<message><body>"u8, 0xED, 0xA0, 0x80, .. "</body></message>"u8], StreamErrorCondition.UnsupportedEncoding),
        ["truncated-sequence-in-an-attribute"] = ([.. "<message id='"u8, 0xE4, 0xBD, .. "'/>"u8], StreamErrorCondition.UnsupportedEncoding),
        // XML 1.0 §2.2: characters outside Char, as bytes and as character references.
        ["nul-byte"] = ([.. "<message><body>"u8, 0x00, .. "</body></message>"u8], StreamErrorCondition.NotWellFormed),
        ["backspace-byte"] = ([.. "<message><body>"u8, 0x08, .. "</body></message>"u8], StreamErrorCondition.NotWellFormed),
        ["u+fffe-bytes"] = ([.. "<message><body>"u8, 0xEF, 0xBF, 0xBE, .. "</body></message>"u8], StreamErrorCondition.NotWellFormed),
        ["nul-reference"] = (Utf8("<message><body>&#0;</body></message>"), StreamErrorCondition.NotWellFormed),
        ["control-reference"] = (Utf8("<message><body>&#x1B;</body></message>"), StreamErrorCondition.NotWellFormed),
        ["surrogate-reference"] = (Utf8("<message><body>&#xDC00;</body></message>"), StreamErrorCondition.NotWellFormed),
        ["u+fffe-reference-in-an-attribute"] = (Utf8("<message id='&#xFFFE;'/>"), StreamErrorCondition.NotWellFormed),
        // RFC 6120 §4.9.3.2 and Namespaces in XML 1.0 §3: unbound prefixes; xml and xmlns cannot be rebound.
        ["unbound-element-prefix"] = (Utf8("<x:message/>"), StreamErrorCondition.BadNamespacePrefix),
        ["unbound-attribute-prefix"] = (Utf8("<message x:type='chat'/>"), StreamErrorCondition.BadNamespacePrefix),
        ["xml-prefix-rebound"] = (Utf8("<message xmlns:xml='urn:evil'/>"), StreamErrorCondition.NotWellFormed),
        ["xmlns-prefix-declared"] = (Utf8("<message xmlns:xmlns='urn:evil'/>"), StreamErrorCondition.NotWellFormed),
        ["xml-namespace-bound-to-another-prefix"] = (Utf8("<message xmlns:p='http://www.w3.org/XML/1998/namespace'/>"), StreamErrorCondition.NotWellFormed),
        // RFC 6120 §11.1: comments, processing instructions, DTDs and entity references are restricted.
        ["comment"] = (Utf8("<message><!-- c --></message>"), StreamErrorCondition.RestrictedXml),
        ["processing-instruction"] = (Utf8("<?pi x?>"), StreamErrorCondition.RestrictedXml),
        ["internal-subset"] = (Utf8("<!DOCTYPE m [<!ENTITY a 'b'>]><message>&a;</message>"), StreamErrorCondition.RestrictedXml),
        ["external-entity-reference"] = (Utf8("<message><body>&xxe;</body></message>"), StreamErrorCondition.RestrictedXml),
    };

    public static TheoryData<string> BeforeHeaderCases => [.. BeforeHeader.Keys];

    public static TheoryData<Stage, string> InsideTheStreamCases
    {
        get
        {
            var cases = new TheoryData<Stage, string>();
            foreach (var stage in Enum.GetValues<Stage>())
            {
                foreach (var name in InsideTheStream.Keys)
                {
                    cases.Add(stage, name);
                }
            }

            return cases;
        }
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.1.1 §4.9.3 §11.1 §11.6")]
    [MemberData(nameof(BeforeHeaderCases))]
    public async Task Hostile_bytes_before_the_header_get_their_stream_error_and_others_stay_served(string name)
    {
        var (bytes, condition) = BeforeHeader[name];
        await using (var attacker = await RawStream.ConnectAsync(bystander.Server.C2s))
        {
            await attacker.SendAsync(bytes);
            await attacker.ExpectStreamErrorAsync(condition);
        }

        await bystander.ExpectServedAsync();
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.9.3 §11.1 §11.6")]
    [MemberData(nameof(InsideTheStreamCases))]
    public async Task Hostile_bytes_inside_the_stream_get_their_stream_error_and_others_stay_served(Stage stage, string name)
    {
        var (bytes, condition) = InsideTheStream[name];
        await using (var attacker = await RawStream.ConnectAsync(bystander.Server.C2s))
        {
            await ReachAsync(attacker, stage);
            await attacker.SendAsync(bytes);
            await attacker.ExpectStreamErrorAsync(condition);
        }

        await bystander.ExpectServedAsync();
    }

    [Theory]
    [Trait("Conformance", "RFC 6120 §4.4")]
    [InlineData(Stage.Features)]
    [InlineData(Stage.Bound)]
    public async Task A_second_root_after_the_closing_tag_is_never_read(Stage stage)
    {
        await using (var attacker = await RawStream.ConnectAsync(bystander.Server.C2s))
        {
            await ReachAsync(attacker, stage);
            // One packet: the close, then a new document whose stanza must not be answered.
            await attacker.SendAsync("</stream:stream>" + BareHeader + "<iq type='get' id='smuggled'><ping xmlns='urn:xmpp:ping'/></iq>");
            await attacker.ExpectClosedAsync();
        }

        await bystander.ExpectServedAsync();
    }

    private static async Task ReachAsync(RawStream attacker, Stage stage)
    {
        switch (stage)
        {
            case Stage.Features:
                await attacker.OpenAsync();
                break;
            case Stage.Authenticated:
                await attacker.SecureAsync();
                Assert.True((await attacker.AuthenticatePlainAsync("romeo", "secret")).Is("success", Namespaces.Sasl));
                await attacker.OpenAsync();
                break;
            case Stage.Bound:
                await attacker.LoginAsync("romeo", "secret");
                break;
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>One server for the class, with juliet logged in as the client that must stay served.</summary>
    public sealed class Bystander : IAsyncLifetime
    {
        private RawStream? _juliet;
        private int _pings;

        internal TestServer Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await TestServer.StartAsync();
            await Server.CreateAccountAsync("juliet", "secret");
            await Server.CreateAccountAsync("romeo", "secret");
            _juliet = await RawStream.ConnectAsync(Server.C2s);
            await _juliet.LoginAsync("juliet", "secret", "bystander");
        }

        /// <summary>The bystander's ping is answered, and nothing else reached it.</summary>
        internal async Task ExpectServedAsync()
        {
            var id = "served-" + ++_pings;
            await _juliet!.SendAsync($"<iq type='get' id='{id}'><ping xmlns='urn:xmpp:ping'/></iq>");
            var answer = await _juliet.ExpectAsync();
            Assert.True(answer.Is("iq", Namespaces.Client) && answer.GetAttribute("id") == id && answer.GetAttribute("type") == "result", answer.ToString());
        }

        public async Task DisposeAsync()
        {
            if (_juliet is not null)
            {
                await _juliet.DisposeAsync();
            }

            await Server.DisposeAsync();
        }
    }
}
