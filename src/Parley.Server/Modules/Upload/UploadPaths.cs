namespace Parley.Server.Modules.Upload;

/// <summary>The URL of an upload: /upload/&lt;id&gt;/&lt;file name, escaped&gt;. The name is for people; the id finds the file.</summary>
internal static class UploadPaths
{
    public const string Prefix = "/upload/";

    public static string Url(string baseUrl, string id, string fileName) => baseUrl + Prefix + id + "/" + Uri.EscapeDataString(fileName);

    /// <summary>Splits a request path (already unescaped by the server) into id and name; false for anything else.</summary>
    public static bool TryParse(string? path, out string id, out string fileName)
    {
        id = "";
        fileName = "";
        if (path is null || !path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = path.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return false;
        }

        id = rest[..slash].ToString();
        fileName = rest[(slash + 1)..].ToString();
        return UploadStore.IsId(id);
    }
}
