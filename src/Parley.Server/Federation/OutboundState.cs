namespace Parley.Server.Federation;

/// <summary>
/// Where an outbound server-to-server stream is in its negotiation (RFC 6120 §4.3, §5.4, §6.4;
/// XEP-0220 §2.1; XEP-0178 §3). Each answer from the receiving server is accepted only in the state
/// that asked for it; anything else ends the stream (issue 11 item 1).
/// </summary>
internal enum OutboundState
{
    /// <summary>Our header is out (first, after TLS, or after SASL): the receiving server's header is next.</summary>
    AwaitingHeader,

    /// <summary>The header came: &lt;stream:features/&gt; are next (RFC 6120 §4.3.2).</summary>
    AwaitingFeatures,

    /// <summary>&lt;starttls/&gt; is out: &lt;proceed/&gt; or &lt;failure/&gt; is next (RFC 6120 §5.4.2).</summary>
    AwaitingProceed,

    /// <summary>&lt;auth mechanism='EXTERNAL'/&gt; is out: &lt;success/&gt; or &lt;failure/&gt; is next (RFC 6120 §6.4.5).</summary>
    AwaitingSaslOutcome,

    /// <summary>Our &lt;db:result/&gt; with a key is out: the receiving server's verdict is next (XEP-0220 §2.1.3).</summary>
    AwaitingDialbackResult,

    /// <summary>The receiving server accepted this domain pair: stanzas flow (and nothing else is expected but db:verify answers).</summary>
    Established,
}
