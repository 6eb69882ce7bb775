using System.Security.Cryptography;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Avatars;

/// <summary>An image carried inline in a vCard (XEP-0054 PHOTO with TYPE and BINVAL, as XEP-0153 §3.1 uses it).</summary>
internal sealed record VCardPhoto(string Type, byte[] Bytes)
{
    /// <summary>XEP-0153 §3.1 / XEP-0084 §2.2: the image's identity is the hex SHA-1 of its bytes.</summary>
    public string Hash => HashOf(Bytes);

    public static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));

    /// <summary>The vCard's inline photo, or null (none, only an EXTVAL, or BINVAL that is not base64).</summary>
    public static VCardPhoto? Read(Element vcard)
    {
        var photo = vcard.Child("PHOTO", Namespaces.VCard);
        if (photo?.ChildText("BINVAL", Namespaces.VCard) is not { } binval || Decode(binval) is not { Length: > 0 } bytes)
        {
            return null;
        }

        // XEP-0153 §3.1 requires TYPE; a card without one is most likely PNG, the format XEP-0084 §4.2 requires.
        var type = photo.ChildText("TYPE", Namespaces.VCard)?.Trim();
        return new VCardPhoto(string.IsNullOrEmpty(type) ? "image/png" : type, bytes);
    }

    /// <summary>Base64 as vCards carry it (XEP-0054 allows folded lines), or null when it is not base64.</summary>
    public static byte[]? Decode(string base64)
    {
        try
        {
            return Convert.FromBase64String(string.Concat(base64.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Replaces the vCard's PHOTO with <paramref name="photo"/>, or removes it when null; other fields stay.</summary>
    public static void Write(Element vcard, VCardPhoto? photo)
    {
        foreach (var old in vcard.Children("PHOTO", Namespaces.VCard).ToList())
        {
            vcard.Remove(old);
        }

        if (photo is not null)
        {
            var element = vcard.AddElement("PHOTO", Namespaces.VCard);
            element.AddElement("TYPE", Namespaces.VCard).AddText(photo.Type);
            element.AddElement("BINVAL", Namespaces.VCard).AddText(Convert.ToBase64String(photo.Bytes));
        }
    }
}
