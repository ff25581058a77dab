using System.Net;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

public sealed class ClientNetworkTests
{
    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3", true)]
    [InlineData("10.1.2.3", "10.1.2.4", false)]
    [InlineData("192.168.0.0/16", "192.168.255.1", true)]
    [InlineData("192.168.0.0/16", "192.169.0.1", false)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.0/8", "fd00::1", false)]
    public void Contains_AddressInOrOutOfTheRange(string range, string address, bool expected)
    {
        Assert.True(ClientNetwork.TryParse(range, out var network, out var error), error);

        Assert.Equal(expected, network.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.0/33", "invalid prefix length (0 to 32 for IPv4)")]
    [InlineData("fd00::/129", "invalid prefix length (0 to 128 for IPv6)")]
    [InlineData("10.0.0.0/x", "invalid prefix length")]
    [InlineData("10.1.2.3/8", "bits set beyond its /8 prefix (did you mean 10.0.0.0/8?)")]
    [InlineData("fd00::1/8", "bits set beyond its /8 prefix (did you mean fd00::/8?)")]
    [InlineData("localhost", "not an IP address or CIDR range")]
    [InlineData("10.1", "not an IP address or CIDR range")]
    [InlineData("fe80::1%eth0", "not an IP address or CIDR range")]
    [InlineData("", "not an IP address or CIDR range")]
    public void TryParse_BadRange_SaysWhy(string text, string expected)
    {
        Assert.False(ClientNetwork.TryParse(text, out _, out var error));

        Assert.Contains(expected, error);
    }

    [Fact]
    public void ToString_IsTheCidrForm()
    {
        Assert.True(ClientNetwork.TryParse("10.0.0.0/8", out var network, out _));

        Assert.Equal("10.0.0.0/8", network.ToString());
    }
}
