using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Routing.Rules;

/// <summary>An address range a rule's client condition names: one address or a CIDR block, IPv4 or IPv6.</summary>
internal readonly struct ClientNetwork
{
    private readonly IPNetwork _network;

    private ClientNetwork(IPNetwork network) => _network = network;

    public override string ToString() => _network.ToString();

    /// <summary>True when <paramref name="address"/> is in the range. A dual-stack listener reports IPv4 clients as
    /// IPv4-mapped IPv6 addresses (::ffff:10.1.2.3); they match IPv4 ranges as the plain IPv4 address would.</summary>
    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6 && _network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            address = address.MapToIPv4();
        return _network.Contains(address);
    }

    /// <summary>Parses <c>10.1.2.3</c>, <c>10.0.0.0/8</c>, <c>::1</c>, <c>fd00::/8</c>. A range with bits set beyond its
    /// prefix (10.1.2.3/8) is refused with the range that was probably meant, rather than silently widened.</summary>
    public static bool TryParse(string text, out ClientNetwork network, out string? error)
    {
        network = default;
        var trimmed = text.Trim();
        var slash = trimmed.IndexOf('/');
        var addressText = slash < 0 ? trimmed : trimmed[..slash];
        // IPAddress also takes "10.1" (as 10.0.0.1) and zone ids: neither belongs in an access rule.
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%')
            || (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            error = $"'{text}' is not an IP address or CIDR range such as 10.0.0.0/8 or fd00::/8";
            return false;
        }
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(trimmed.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            error = $"'{text}' has an invalid prefix length (0 to {bits} for {(bits == 32 ? "IPv4" : "IPv6")})";
            return false;
        }
        var masked = Mask(address, prefix);
        if (!masked.Equals(address))
        {
            error = $"'{text}' has bits set beyond its /{prefix} prefix (did you mean {masked}/{prefix}?)";
            return false;
        }
        network = new ClientNetwork(new IPNetwork(address, prefix));
        error = null;
        return true;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
