namespace Parley.Server.Modules.Caps;

/// <summary>XEP-0115 names.</summary>
internal static class CapsNamespaces
{
    public const string Caps = "http://jabber.org/protocol/caps";

    /// <summary>The node URI in the server's own caps (XEP-0115 §4: identifies the software).</summary>
    public const string ServerNode = "https://parley.example/caps";
}
