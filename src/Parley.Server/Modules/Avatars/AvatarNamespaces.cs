namespace Parley.Server.Modules.Avatars;

/// <summary>The namespaces of user avatars: XEP-0084 nodes, XEP-0153 presence, XEP-0398 conversion.</summary>
internal static class AvatarNamespaces
{
    /// <summary>XEP-0084 §2.1: the node and payload of the image data, one item per image, its id the image's SHA-1.</summary>
    public const string Data = "urn:xmpp:avatar:data";

    /// <summary>XEP-0084 §2.2: the node and payload of what the current avatar is.</summary>
    public const string Metadata = "urn:xmpp:avatar:metadata";

    /// <summary>XEP-0153 §3.2: the photo hash in presence.</summary>
    public const string Update = "vcard-temp:x:update";

    /// <summary>XEP-0398 §2: the account converts between the two.</summary>
    public const string Conversion = "urn:xmpp:pep-vcard-conversion:0";
}
