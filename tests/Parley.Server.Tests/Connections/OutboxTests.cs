using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Connections;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Connections;

/// <summary>The bounded outbox: a connection that does not read is closed, and never blocks its senders.</summary>
public sealed class OutboxTests
{
    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    public async Task A_reader_too_slow_is_closed_with_policy_violation_while_the_sender_keeps_being_served()
    {
        await using var server = await TestServer.StartAsync(("AllowPlaintextAuth", "true"), ("Limits:OutboundQueueLength", "16"));
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await server.CreateAccountAsync("nurse", "secret");

        // Juliet's connection runs over in-memory pipes whose output holds only 4 KiB unread, so
        // the server's writer stalls as soon as the test stops reading.
        var input = new Pipe();
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048));
        var context = new DefaultConnectionContext("slow", new DuplexPipePair(input.Reader, output.Writer), new DuplexPipePair(output.Reader, input.Writer));
        var handler = server.Services.GetRequiredService<C2sConnectionHandler>();
        var running = handler.HandleAsync(context, directTls: false);

        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0juliet\0secret"));
        await Send(input, RawStream.Header + $"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>");
        await ReadUntilAsync(output.Reader, "<success");
        await Send(input, RawStream.Header + "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>pipe</resource></bind></iq>");
        await ReadUntilAsync(output.Reader, "juliet@localhost/pipe</jid>");

        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret");
        await using var nurse = await RawStream.ConnectAsync(server.C2s);
        await nurse.LoginAsync("nurse", "secret", "ward");
        var body = new string('x', 1024);
        var flood = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            flood.Append($"<message to='juliet@localhost/pipe' type='chat'><body>{body}</body></message>");
        }

        await romeo.SendAsync(flood.ToString());
        // Romeo's stanzas are routed in order: once his ping is answered, every message was offered to Juliet.
        await romeo.SendAsync("<iq type='get' id='after'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("after", (await romeo.ExpectStanzaAsync("iq")).GetAttribute("id"));

        // Meanwhile the stalled reader slows no one: another recipient gets Romeo's next message at once.
        await romeo.SendAsync("<message to='nurse@localhost/ward' type='chat' id='meanwhile'><body>still here</body></message>");
        Assert.Equal("meanwhile", (await nurse.ExpectStanzaAsync("message")).GetAttribute("id"));

        var rest = await ReadUntilAsync(output.Reader, "</stream:stream>");
        Assert.Contains("<policy-violation", rest, StringComparison.Ordinal);
        Assert.True(Count(rest, "<message") < 100, "Some messages should have been refused");
        await Send(input, "</stream:stream>");
        await running.WaitAsync(TimeSpan.FromSeconds(15));
    }

    private static int Count(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    private static async Task Send(Pipe input, string xml) => await input.Writer.WriteAsync(Encoding.UTF8.GetBytes(xml));

    private static async Task<string> ReadUntilAsync(PipeReader reader, string marker)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var text = new StringBuilder();
        while (true)
        {
            var result = await reader.ReadAsync(timeout.Token);
            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            reader.AdvanceTo(result.Buffer.End);
            if (text.ToString().Contains(marker, StringComparison.Ordinal) || result.IsCompleted)
            {
                return text.ToString();
            }
        }
    }

    private sealed class DuplexPipePair(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
