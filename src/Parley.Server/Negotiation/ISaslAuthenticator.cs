namespace Parley.Server.Negotiation;

/// <summary>The server's SASL mechanisms, as the negotiator needs them (backed by Parley.Xmpp.Sasl and the account store).</summary>
internal interface ISaslAuthenticator
{
    /// <summary>The mechanisms to offer on a stream, strongest first.</summary>
    IReadOnlyList<string> Mechanisms(SaslContext context);

    /// <summary>Starts an exchange, or null when the mechanism is not offered in this context.</summary>
    ISaslExchange? Start(string mechanism, SaslContext context);
}
