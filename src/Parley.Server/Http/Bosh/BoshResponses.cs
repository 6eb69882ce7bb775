using System.Globalization;
using System.Security;
using System.Text;
using Parley.Xmpp;

namespace Parley.Server.Http.Bosh;

/// <summary>The &lt;body/&gt; wrappers the server answers with (XEP-0124 §7.1, §8, §13, §17; XEP-0206 §3).</summary>
internal static class BoshResponses
{
    /// <summary>XEP-0124 §7.1: the highest protocol version the server speaks ('ver').</summary>
    public const string Version = "1.11";

    private static readonly byte[] EndTag = "</body>"u8.ToArray();

    /// <summary>What one response says.</summary>
    /// <param name="Sid">Set only on the session creation response, which also carries the grant.</param>
    /// <param name="Ack">XEP-0124 §9.1: the highest rid received with all below it; said when it is not the answered rid.</param>
    /// <param name="Terminal">Null for a normal response; "" for type='terminate' alone; else the terminal condition.</param>
    public readonly record struct Content(string? Sid, BoshGrant Grant, string? AuthId, long Ack, long Rid, string? Terminal, ReadOnlyMemory<byte> Payload);

    /// <summary>type='terminate' with a condition (§17.2), for a request that belongs to no session.</summary>
    public static byte[] Terminate(string condition) =>
        Write([("type", "terminate"), ("condition", condition)], default);

    public static byte[] Body(Content content)
    {
        var attributes = new List<(string Name, string Value)>();
        if (content.Sid is not null)
        {
            var grant = content.Grant;
            attributes.AddRange([
                ("sid", content.Sid),
                ("wait", Number(grant.WaitSeconds)),
                ("requests", Number(grant.Requests)),
                ("hold", Number(grant.Hold)),
                ("inactivity", Number(grant.InactivitySeconds)),
                ("polling", Number(grant.PollingSeconds)),
                ("ver", grant.Version),
                ("from", grant.Domain),
                // §9.1: a server that acknowledges says so in the creation response, with the creation rid.
                ("ack", Number(content.Rid)),
                ("xmpp:version", "1.0"),
                // XEP-0206 §5: the client restarts the stream itself after SASL.
                ("xmpp:restartlogic", "true"),
            ]);
            if (content.AuthId is not null)
            {
                attributes.Add(("authid", content.AuthId));
            }

            if (grant.MaxPauseSeconds > 0)
            {
                attributes.Add(("maxpause", Number(grant.MaxPauseSeconds)));
            }
        }
        else if (content.Ack != content.Rid)
        {
            attributes.Add(("ack", Number(content.Ack)));
        }

        if (content.Terminal is { } terminal)
        {
            attributes.Add(("type", "terminate"));
            if (terminal.Length > 0)
            {
                attributes.Add(("condition", terminal));
            }
        }

        return Write(attributes, content.Payload);
    }

    /// <summary>
    /// The wrapper with the conventional prefixes (xmpp: for XEP-0206's attributes, stream: for
    /// features and errors, §4), and the payloads, already written, each naming its namespace.
    /// </summary>
    private static byte[] Write(IEnumerable<(string Name, string Value)> attributes, ReadOnlyMemory<byte> payload)
    {
        var head = new StringBuilder("<body xmlns='" + Namespaces.HttpBind + "' xmlns:xmpp='" + Namespaces.XBosh + "' xmlns:stream='" + Namespaces.Streams + "'");
        foreach (var (name, value) in attributes)
        {
            head.Append(' ').Append(name).Append("='").Append(SecurityElement.Escape(value)).Append('\'');
        }

        head.Append(payload.IsEmpty ? "/>" : ">");
        var start = Encoding.UTF8.GetBytes(head.ToString());
        if (payload.IsEmpty)
        {
            return start;
        }

        var bytes = new byte[start.Length + payload.Length + EndTag.Length];
        start.CopyTo(bytes, 0);
        payload.Span.CopyTo(bytes.AsSpan(start.Length));
        EndTag.CopyTo(bytes, start.Length + payload.Length);
        return bytes;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
