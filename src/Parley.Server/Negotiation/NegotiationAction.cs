namespace Parley.Server.Negotiation;

/// <summary>What the connection must do after the negotiator handled an event.</summary>
internal enum NegotiationAction
{
    None,

    /// <summary>&lt;proceed/&gt; was queued: flush it, then run the TLS handshake (RFC 6120 §5.4.3.3).</summary>
    StartTls,

    /// <summary>SASL succeeded: forget the stream and expect a new header (RFC 6120 §6.4.6).</summary>
    RestartStream,

    /// <summary>Close the stream without a stream error (after a &lt;failure/&gt; that ends negotiation).</summary>
    CloseStream,

    /// <summary>A resource is bound: stanzas now go to the router.</summary>
    Bound,
}
