using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Authentication.ExtendedProtection;

namespace Parley.Client;

/// <summary>
/// Reads channel binding data out of the <see cref="ChannelBinding"/> that SslStream returns,
/// which is laid out as a SEC_CHANNEL_BINDINGS header followed by "prefix:" + data on every platform.
/// </summary>
internal static class TlsChannelBinding
{
    public static ReadOnlySpan<byte> ServerEndPointPrefix => "tls-server-end-point:"u8;

    // SEC_CHANNEL_BINDINGS: eight 32-bit fields; the last two are the application data's length and offset.
    private const int HeaderSize = 32;
    private const int ApplicationDataLengthOffset = 24;
    private const int ApplicationDataOffsetOffset = 28;

    public static byte[]? ApplicationData(ChannelBinding binding, ReadOnlySpan<byte> prefix)
    {
        if (binding.IsInvalid || binding.Size < HeaderSize)
        {
            return null;
        }

        var bytes = new byte[binding.Size];
        Marshal.Copy(binding.DangerousGetHandle(), bytes, 0, bytes.Length);
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(ApplicationDataLengthOffset));
        var offset = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(ApplicationDataOffsetOffset));
        if (offset < HeaderSize || length < 0 || offset + length > bytes.Length)
        {
            return null;
        }

        var data = bytes.AsSpan(offset, length);
        return data.StartsWith(prefix) ? data[prefix.Length..].ToArray() : data.ToArray();
    }
}
