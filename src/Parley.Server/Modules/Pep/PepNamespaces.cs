namespace Parley.Server.Modules.Pep;

/// <summary>The XEP-0060 namespaces and form types PEP speaks (XEP-0060 §16.2).</summary>
internal static class PepNamespaces
{
    public const string PubSub = "http://jabber.org/protocol/pubsub";
    public const string Event = "http://jabber.org/protocol/pubsub#event";
    public const string Owner = "http://jabber.org/protocol/pubsub#owner";
    public const string Errors = "http://jabber.org/protocol/pubsub#errors";
    public const string NodeConfig = "http://jabber.org/protocol/pubsub#node_config";
    public const string PublishOptions = "http://jabber.org/protocol/pubsub#publish-options";

    /// <summary>XEP-0163 §4: the suffix a client adds to a node name in its caps to ask for notifications.</summary>
    public const string NotifySuffix = "+notify";
}
