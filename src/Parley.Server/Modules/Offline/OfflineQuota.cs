namespace Parley.Server.Modules.Offline;

/// <summary>
/// What one account's offline queue may hold: Limits:MaxOfflineMessages messages and
/// Limits:MaxOfflineBytes bytes of stored XML (UTF-8), whichever comes first, so few large
/// messages cannot fill the storage the message count alone allows (500 × 256 KiB).
/// </summary>
internal readonly record struct OfflineQuota(int Messages, long Bytes);
