using Switchyard.Protocol.Handshake;

namespace Switchyard.Protocol.Tests.Handshake;

public sealed class ServerVersionTextTests
{
    [Theory]
    [InlineData("10.11.6-MariaDB-1:10.11.6+maria~ubu2204-log", true)]
    [InlineData("5.5.5-10.6.16-MariaDB", true)]
    [InlineData("11.4.2-mariadb", true)]
    [InlineData("8.0.36", false)]
    [InlineData("8.4.0-commercial", false)]
    [InlineData("8.0.35-27-Percona-Server", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsMariaDb_VersionString_TellsTheFamily(string? version, bool expected)
    {
        Assert.Equal(expected, ServerVersionText.IsMariaDb(version));
    }
}
