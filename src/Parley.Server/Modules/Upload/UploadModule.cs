using Parley.Server.Routing;

namespace Parley.Server.Modules.Upload;

/// <summary>
/// HTTP File Upload (XEP-0363) as a module: the upload services (<see cref="UploadComponents"/>)
/// answer through the delivery path; the HTTP side is Http/Upload.
/// </summary>
internal sealed class UploadModule(UploadComponents components, StanzaDelivery delivery) : IXmppModule
{
    public const string Name = "Upload";

    public void Map(ModuleMap map) => components.Attach(delivery);
}
