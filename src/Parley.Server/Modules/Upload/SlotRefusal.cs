namespace Parley.Server.Modules.Upload;

/// <summary>Why <see cref="UploadStore.TryCreateSlot"/> gave no slot.</summary>
internal enum SlotRefusal
{
    None,

    /// <summary>The account's files and open slots would pass Modules:Upload:QuotaBytesPerUser.</summary>
    Quota,

    /// <summary>The account holds Modules:Upload:MaxPendingSlotsPerUser unused slots already.</summary>
    TooManySlots,
}
