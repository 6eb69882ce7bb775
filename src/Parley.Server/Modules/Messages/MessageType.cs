namespace Parley.Server.Modules.Messages;

/// <summary>The message types of RFC 6121 §5.2.2.</summary>
internal enum MessageType
{
    Normal,
    Chat,
    Groupchat,
    Headline,
    Error,
}
