using System.Globalization;
using System.Net.Http.Headers;
using Parley.Server.Http;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Upload;

/// <summary>
/// The HTTP File Upload service on upload.&lt;domain&gt; (XEP-0363): disco#info with the maximum file
/// size (§3), and slot requests from the hosted domains' accounts (§4) answered with a PUT and a GET
/// URL under /upload/ on the HTTP server, or the XEP's errors.
/// </summary>
internal sealed class UploadService(string domain, string hostDomain, UploadComponents owner) : IComponentHandler
{
    /// <summary>The longest file name taken into a URL, in characters.</summary>
    private const int MaxFileNameLength = 255;

    public string Domain { get; } = domain;

    public HostKind Kind => HostKind.InternalComponent;

    public async ValueTask<bool> DeliverAsync(Element stanza, Jid to, CancellationToken cancellationToken)
    {
        if (stanza.Name != "iq" || Stanza.Type(stanza) is not ("get" or "set") || !Jid.TryParse(stanza.GetAttribute("from"), out var from))
        {
            return true;
        }

        var payload = stanza.FirstElement;
        var reply = to.Local is not null || payload is null ? Stanza.ErrorReply(stanza, StanzaError.Of(StanzaErrorCondition.ServiceUnavailable))
            : Stanza.Type(stanza) == "set" ? Stanza.ErrorReply(stanza, StanzaError.Of(StanzaErrorCondition.ServiceUnavailable))
            : payload.Is("query", Namespaces.DiscoInfo) ? Stanza.IqResult(stanza, Info())
            : payload.Is("query", Namespaces.DiscoItems) ? Stanza.IqResult(stanza, new Element("query", Namespaces.DiscoItems))
            : payload.Is("ping", Namespaces.Ping) ? Stanza.IqResult(stanza)
            : payload.Is("request", Namespaces.HttpUpload) ? RequestSlot(stanza, payload, from)
            : Stanza.ErrorReply(stanza, StanzaError.Of(StanzaErrorCondition.ServiceUnavailable));
        await owner.Delivery.SendAsync(Origin.Component(Jid.Create(null, Domain)), reply, from, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>XEP-0363 §3: the store/file identity, the feature, and the maximum size in a form.</summary>
    private Element Info()
    {
        var query = new Element("query", Namespaces.DiscoInfo);
        query.AddElement("identity").SetAttribute("category", "store").SetAttribute("type", "file").SetAttribute("name", "HTTP File Upload");
        query.AddElement("feature").SetAttribute("var", Namespaces.DiscoInfo);
        query.AddElement("feature").SetAttribute("var", Namespaces.HttpUpload);
        var form = query.AddElement("x", Namespaces.DataForms).SetAttribute("type", "result");
        form.AddElement("field").SetAttribute("var", "FORM_TYPE").SetAttribute("type", "hidden").AddElement("value").AddText(Namespaces.HttpUpload);
        form.AddElement("field").SetAttribute("var", "max-file-size").AddElement("value").AddText(owner.Store.Options.MaxFileBytes.ToString(CultureInfo.InvariantCulture));
        return query;
    }

    /// <summary>XEP-0363 §4: a slot for one file, or why not (§4.2: file-too-large with the maximum, quota).</summary>
    private Element RequestSlot(Element iq, Element request, Jid from)
    {
        var options = owner.Store.Options;
        if (!owner.IsLocalDomain(from.Domain) || from.Local is null)
        {
            return Stanza.ErrorReply(iq, StanzaError.Of(StanzaErrorCondition.Forbidden, "Only accounts of this server may upload."));
        }

        var fileName = request.GetAttribute("filename");
        if (string.IsNullOrWhiteSpace(fileName) || fileName.Length > MaxFileNameLength || fileName.Any(char.IsControl)
            || !long.TryParse(request.GetAttribute("size"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size <= 0)
        {
            return Stanza.ErrorReply(iq, StanzaError.Of(StanzaErrorCondition.BadRequest, "A slot needs a filename and a positive size."));
        }

        if (size > options.MaxFileBytes)
        {
            var tooLarge = new Element("file-too-large", Namespaces.HttpUpload);
            tooLarge.AddElement("max-file-size").AddText(options.MaxFileBytes.ToString(CultureInfo.InvariantCulture));
            return Stanza.ErrorReply(iq, new StanzaError(StanzaErrorType.Modify, StanzaErrorCondition.NotAcceptable, $"File too large: the maximum is {options.MaxFileBytes} bytes.", tooLarge));
        }

        var contentType = request.GetAttribute("content-type") ?? "application/octet-stream";
        if (!MediaTypeHeaderValue.TryParse(contentType, out _)
            || (options.AllowedContentTypes.Count > 0 && !options.AllowedContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase)))
        {
            return Stanza.ErrorReply(iq, new StanzaError(StanzaErrorType.Modify, StanzaErrorCondition.NotAcceptable, "This content type may not be uploaded."));
        }

        var slot = owner.Store.TryCreateSlot(from, fileName, size, contentType, out var refusal);
        if (slot is null)
        {
            return Stanza.ErrorReply(iq, new StanzaError(StanzaErrorType.Wait, StanzaErrorCondition.ResourceConstraint,
                refusal == SlotRefusal.Quota ? "Upload quota reached." : "Too many unused slots."));
        }

        var url = UploadPaths.Url(owner.Urls.Base(hostDomain), slot.Id, fileName);
        var result = new Element("slot", Namespaces.HttpUpload);
        result.AddElement("put").SetAttribute("url", url);
        result.AddElement("get").SetAttribute("url", url);
        return Stanza.IqResult(iq, result);
    }
}
