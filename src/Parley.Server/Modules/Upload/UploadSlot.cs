using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Upload;

/// <summary>A slot given and not yet used (XEP-0363 §4): one PUT of exactly this file before <see cref="Expires"/>.</summary>
/// <param name="Id">128 random bits in hex: the capability the URLs carry.</param>
/// <param name="Expires">As <see cref="TimeProvider.GetUtcNow"/>.</param>
internal sealed record UploadSlot(string Id, Jid Owner, string FileName, long Size, string ContentType, DateTimeOffset Expires);
