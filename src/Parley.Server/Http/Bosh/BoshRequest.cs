using System.Buffers;
using System.Globalization;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Http.Bosh;

/// <summary>
/// One request's &lt;body/&gt; (XEP-0124 §4), parsed with the stream parser's limits (the body's
/// size bounded by Http:MaxRequestBodyBytes); its payloads are checked again, one by one, with the
/// stanza limits when the stream reads them.
/// </summary>
internal sealed class BoshRequest
{
    /// <summary>XEP-0124 §14.1: rids stay below 2^53 (IEEE doubles in the browser).</summary>
    private const long MaxRid = 9007199254740991;

    private static readonly byte[] Root = Encoding.UTF8.GetBytes($"<stream:stream xmlns:stream='{Namespaces.Streams}'>");

    private BoshRequest(Element body, long rid)
    {
        Body = body;
        Rid = rid;
    }

    public Element Body { get; }

    public long Rid { get; }

    public string? Sid => Body.GetAttribute("sid");

    public bool IsTerminate => Body.GetAttribute("type") == "terminate";

    /// <summary>XEP-0206 §5: a stream restart after SASL.</summary>
    public bool IsRestart => Body.GetAttribute("restart", Namespaces.XBosh) is "true" or "1";

    /// <summary>XEP-0124 §10: the seconds the client asks to pause for, if it does.</summary>
    public int? Pause => ReadInt("pause");

    public IEnumerable<Element> Payloads => Body.Children();

    /// <summary>An empty request: it only gives the server a way to answer (XEP-0124 §8).</summary>
    public bool IsEmpty => Body.ElementCount == 0 && !IsTerminate && !IsRestart && Pause is null;

    /// <summary>The body, or the terminal condition it earns: bad-request when it is no well-formed &lt;body/&gt; with a valid rid.</summary>
    public static BoshRequest? Parse(ReadOnlySequence<byte> bytes, XmlLimits limits)
    {
        var reader = new XmppStreamReader(limits);
        var root = new ReadOnlySequence<byte>(Root);
        reader.TryRead(ref root, out _);
        Element body;
        try
        {
            if (!reader.TryRead(ref bytes, out var read) || read.Kind != XmlStreamEventKind.Element)
            {
                return null;
            }

            body = read.Element!;
        }
        catch (StreamErrorException)
        {
            return null;
        }

        // Nothing but whitespace may follow the body.
        if (!bytes.IsEmpty && (bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray()).Trim(" \t\r\n"u8).Length > 0)
        {
            return null;
        }

        if (!body.Is("body", Namespaces.HttpBind)
            || !long.TryParse(body.GetAttribute("rid"), NumberStyles.None, CultureInfo.InvariantCulture, out var rid)
            || rid is <= 0 or > MaxRid)
        {
            return null;
        }

        return new BoshRequest(body, rid);
    }

    public int? ReadInt(string name) =>
        int.TryParse(Body.GetAttribute(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
