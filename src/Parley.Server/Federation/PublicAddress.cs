using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Federation;

/// <summary>
/// Whether an address is on the public internet (RFC 6890 special-purpose registries): outbound
/// streams found through DNS reach only those unless S2s:AllowPrivateAddresses is set, so a remote
/// peer that names a domain (in a db:result, or a user who messages it) cannot make this server
/// dial loopback, the local network or link-local services (issue 11 item 2).
/// </summary>
internal static class PublicAddress
{
    public static bool Is(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(bytes[..length]),
            AddressFamily.InterNetworkV6 => IsPublicV6(bytes[..length]),
            _ => false,
        };
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> a) => !(
        a[0] is 0 or 10 or 127 or >= 224                 // "this network", RFC 1918, loopback, multicast and reserved (RFC 6890 §2.2.2)
        || (a[0] == 100 && (a[1] & 0xC0) == 64)          // 100.64.0.0/10 shared address space (RFC 6598)
        || (a[0] == 169 && a[1] == 254)                  // link-local (RFC 3927)
        || (a[0] == 172 && (a[1] & 0xF0) == 16)          // RFC 1918
        || (a[0] == 192 && a[1] == 168)                  // RFC 1918
        || (a[0] == 192 && a[1] == 0 && a[2] is 0 or 2)  // IETF protocol assignments, TEST-NET-1
        || (a[0] == 198 && (a[1] & 0xFE) == 18)          // benchmarking (RFC 2544)
        || (a[0] == 198 && a[1] == 51 && a[2] == 100)    // TEST-NET-2
        || (a[0] == 203 && a[1] == 0 && a[2] == 113));   // TEST-NET-3

    private static bool IsPublicV6(ReadOnlySpan<byte> a)
    {
        if (a[..15].IndexOfAnyExcept((byte)0) < 0)
        {
            return false; // :: and ::1
        }

        return !(
            (a[0] & 0xFE) == 0xFC                                  // unique local fc00::/7 (RFC 4193)
            || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80)             // link-local fe80::/10
            || a[0] == 0xFF                                        // multicast
            || (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8) // documentation 2001:db8::/32
            || (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B)); // NAT64 64:ff9b::/96 reaches IPv4 space
    }
}
