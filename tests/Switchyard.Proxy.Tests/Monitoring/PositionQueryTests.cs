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

    [Theory]
    [InlineData(true, "SELECT @@read_only, @@gtid_slave_pos, @@global.wsrep_on, @@wsrep_node_name")]
    [InlineData(false, "SELECT @@read_only, @@gtid_binlog_pos, @@global.wsrep_on, @@wsrep_node_name")]
    public void For_MariaDbWithWsrep_AddsTheGaleraColumnsToTheSameRoundTrip(bool isReplica, string expected)
    {
        Assert.Equal(expected, PositionQuery.For(isReplica, isMariaDb: true, withWsrep: true));
    }

    [Fact]
    public void For_MySqlWithWsrep_AsksNoWsrepVariable()
    {
        Assert.DoesNotContain("wsrep", PositionQuery.For(isReplica: true, isMariaDb: false, withWsrep: true), StringComparison.Ordinal);
    }

    [Fact]
    public void WsrepStatus_ReadsTheFiveStatusVariablesInOneStatement()
    {
        Assert.Equal(
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_ready', 'wsrep_cluster_size')",
            PositionQuery.WsrepStatus);
    }
}
