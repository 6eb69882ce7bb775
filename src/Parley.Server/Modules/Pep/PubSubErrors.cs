using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Pep;

/// <summary>XEP-0060 §7-§8 errors: a stanza condition with the pubsub-specific one beside it (XEP-0060 §14).</summary>
internal static class PubSubErrors
{
    public static StanzaError Of(StanzaErrorCondition condition, string specific, string? text = null) =>
        StanzaError.Of(condition, text) with { Application = new Element(specific, PepNamespaces.Errors) };

    /// <summary>XEP-0060 §14: feature-not-implemented with &lt;unsupported feature='…'/&gt;.</summary>
    public static StanzaError Unsupported(string feature) =>
        StanzaError.Of(StanzaErrorCondition.FeatureNotImplemented)
        with
        { Application = new Element("unsupported", PepNamespaces.Errors).SetAttribute("feature", feature) };

    public static IqReply Fail(StanzaErrorCondition condition, string specific, string? text = null) =>
        new(null, Of(condition, specific, text));

    public static IqReply Fail(StanzaError error) => new(null, error);
}
