namespace Parley.Client;

/// <summary>
/// The stream could not be set up as the options require: TLS was required but not offered, no
/// acceptable SASL mechanism was offered, binding failed, or the server broke the protocol.
/// </summary>
public sealed class XmppNegotiationException : Exception
{
    public XmppNegotiationException()
    {
    }

    public XmppNegotiationException(string message)
        : base(message)
    {
    }

    public XmppNegotiationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
