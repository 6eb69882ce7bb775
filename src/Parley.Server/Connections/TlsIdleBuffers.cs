using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Parley.Server.Connections;

/// <summary>
/// On Linux, SslStream runs on OpenSSL, which by default keeps a read and a write record buffer
/// (about 17 KiB each, one TLS record) for each connection's whole life, idle or not: with
/// thousands of idle clients that is most of their memory. OpenSSL's SSL_MODE_RELEASE_BUFFERS
/// frees each buffer whenever it is empty, which for an XMPP session is almost always.
/// .NET does not set the mode nor expose the SSL handle, so this reads the handle from
/// SslStream's private field and sets the mode through libssl's SSL_ctrl; anything unexpected
/// (another platform, a runtime that renamed the field, a libssl that cannot be matched to the
/// one .NET loaded) leaves the connection as it is, only using more memory.
/// </summary>
internal static class TlsIdleBuffers
{
    /// <summary>SSL_CTRL_MODE and SSL_MODE_RELEASE_BUFFERS from OpenSSL's &lt;openssl/ssl.h&gt; (1.1 and 3.x alike).</summary>
    private const int ControlMode = 33;
    private const nint ModeReleaseBuffers = 0x10;

    private static readonly SslControl? Control = LoadControl();

    private static readonly FieldInfo? ContextField = Control is null
        ? null
        : typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>long SSL_ctrl(SSL *ssl, int cmd, long larg, void *parg); long is 64-bit on 64-bit Linux.</summary>
    private delegate nint SslControl(nint ssl, int command, nint argument, nint pointer);

    /// <summary>Whether <see cref="Release"/> can work in this process at all.</summary>
    public static bool Available => ContextField is not null;

    /// <summary>
    /// Asks OpenSSL to free the stream's record buffers whenever they are empty. Call it once the
    /// handshake is done and before any read or write is started. True when the mode is now set.
    /// </summary>
    public static bool Release(SslStream stream)
    {
        // Only OpenSSL's SSL handle type, whose handle is the SSL* itself; any other shape is left alone
        // rather than handing OpenSSL a pointer it does not own.
        if (ContextField?.GetValue(stream) is not SafeHandle context || context.IsInvalid
            || context.GetType().FullName != "Microsoft.Win32.SafeHandles.SafeSslHandle")
        {
            return false;
        }

        var added = false;
        try
        {
            context.DangerousAddRef(ref added);
            var mode = Control!(context.DangerousGetHandle(), ControlMode, ModeReleaseBuffers, 0);
            return (mode & ModeReleaseBuffers) != 0;
        }
        finally
        {
            if (added)
            {
                context.DangerousRelease();
            }
        }
    }

    private static SslControl? LoadControl()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // The libssl of the same major version as the libcrypto .NET uses: 0x3xxxxxxx is 3.x, 0x101xxxxx is 1.1.
        string library;
        try
        {
            library = (SafeEvpPKeyHandle.OpenSslVersion >> 28) switch
            {
                3 => "libssl.so.3",
                1 when (SafeEvpPKeyHandle.OpenSslVersion >> 20) == 0x101 => "libssl.so.1.1",
                _ => "",
            };
        }
        catch (Exception e) when (e is PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        return library.Length > 0 && NativeLibrary.TryLoad(library, out var handle) && NativeLibrary.TryGetExport(handle, "SSL_ctrl", out var export)
            ? Marshal.GetDelegateForFunctionPointer<SslControl>(export)
            : null;
    }
}
