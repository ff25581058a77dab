using Switchyard.Proxy.Monitoring;

namespace Switchyard.Proxy.Tests.Monitoring;

public sealed class PositionQueryTests
{
    [Theory]
    [InlineData(true, "SELECT @@read_only, @@gtid_slave_pos")]
    [InlineData(false, "SELECT @@read_only, @@gtid_binlog_pos")]
    public void For_MariaDb_KeepsMariaDbPositions(bool isReplica, string expected)
    {
        Assert.Equal(expected, PositionQuery.For(isReplica, isMariaDb: true));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void For_MySql_ReadsGlobalGtidExecuted(bool isReplica)
    {
        Assert.Equal("SELECT @@read_only, @@global.gtid_executed", PositionQuery.For(isReplica, isMariaDb: false));
    }
}
