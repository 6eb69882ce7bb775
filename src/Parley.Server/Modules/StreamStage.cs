namespace Parley.Server.Modules;

/// <summary>Which &lt;stream:features/&gt; a module contributes to.</summary>
internal enum StreamStage
{
    /// <summary>After TLS, before SASL (beside &lt;mechanisms/&gt;).</summary>
    PreAuthentication,

    /// <summary>After the SASL restart (beside &lt;bind/&gt;).</summary>
    PostAuthentication,
}
