namespace Parley.Server.Modules.Upload;

/// <summary>What is kept beside an uploaded file (its .meta file): whose it is, its name and type, when it came.</summary>
internal sealed record StoredUpload(string Owner, string FileName, long Size, string ContentType, DateTimeOffset Uploaded);
