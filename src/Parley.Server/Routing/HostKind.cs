namespace Parley.Server.Routing;

/// <summary>What a domain this server hosts is for: the router dispatches by kind (Prosody's host types).</summary>
internal enum HostKind
{
    /// <summary>A domain with user accounts (Domains): RFC 6121 rules, the modules' chains and IQ routes.</summary>
    UserDomain,

    /// <summary>A service the server runs itself on a domain of its own (a future conference.&lt;domain&gt; or upload.&lt;domain&gt;).</summary>
    InternalComponent,

    /// <summary>A XEP-0114 component: a separate process connected to the component listener.</summary>
    ExternalComponent,
}
