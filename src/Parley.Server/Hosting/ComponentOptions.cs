namespace Parley.Server.Hosting;

/// <summary>External components (XEP-0114), keys Components:*.</summary>
public sealed class ComponentOptions
{
    /// <summary>
    /// The component listener's port (jabber:component:accept streams), bound on the Bind addresses
    /// like the other listeners. 0 disables it; 0 to 65535, distinct from the other ports. Default 0.
    /// </summary>
    public int Port { get; set; }

    /// <summary>
    /// The components allowed to connect: Components:Secrets:&lt;domain&gt; = shared secret. Each domain
    /// must be valid, distinct from the user domains, and its secret non-empty. Secrets are never logged.
    /// Default empty.
    /// </summary>
    public Dictionary<string, string> Secrets { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
