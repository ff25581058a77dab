using Switchyard.Routing.Classification;
using Switchyard.Routing.Decisions;

namespace Switchyard.Routing.Tests.Decisions;

public sealed class RoutePlannerTests
{
    private static readonly SessionRouteState Free = new(Pinned: false, HeldConnectionServes: false, AutocommitOff: false);

    [Theory]
    [InlineData("SELECT * FROM t WHERE id = 1", "Replica")]
    [InlineData("SHOW TABLES", "Replica")]
    [InlineData("EXPLAIN SELECT 1", "Replica")]
    [InlineData("WITH c AS (SELECT 1) SELECT * FROM c", "Replica")]
    [InlineData("START TRANSACTION READ ONLY", "Replica")]
    [InlineData("INSERT INTO t VALUES (1)", "Primary")]
    [InlineData("UPDATE t SET a = 1", "Primary")]
    [InlineData("SELECT * FROM t FOR UPDATE", "Primary")]
    [InlineData("SELECT GET_LOCK('a', 1)", "Primary")]
    [InlineData("SELECT LAST_INSERT_ID()", "Primary")]
    [InlineData("BEGIN", "Primary")]
    [InlineData("START TRANSACTION", "Primary")]
    [InlineData("SET autocommit = 0", "Primary")]
    [InlineData("SET SESSION sql_mode = ''", "Primary")]
    [InlineData("CALL p()", "Primary")]
    [InlineData("XA START 'x'", "Primary")]
    [InlineData("frobnicate", "Primary")]
    public void Route_FreeAutocommitSession_FollowsTheClass(string sql, string expected)
    {
        Assert.Equal(Enum.Parse<RouteTarget>(expected), RoutePlanner.Route(StatementClassifier.Classify(sql), Free));
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("INSERT INTO t VALUES (1)")]
    [InlineData("COMMIT")]
    public void Route_PinnedSession_StaysOnItsConnection(string sql)
    {
        Assert.Equal(RouteTarget.Current, RoutePlanner.Route(StatementClassifier.Classify(sql), Free with { Pinned = true }));
    }

    [Fact]
    public void Route_AutocommitOff_SendsReadsToThePrimary()
    {
        Assert.Equal(RouteTarget.Primary, RoutePlanner.Route(StatementClassifier.Classify("SELECT 1"), Free with { AutocommitOff = true }));
    }

    [Fact]
    public void Route_HeldConnectionServesTheNextStatement_UsesIt()
    {
        Assert.Equal(RouteTarget.Current, RoutePlanner.Route(StatementClassifier.Classify("SHOW WARNINGS"), Free with { HeldConnectionServes = true }));
    }

    [Theory]
    [InlineData("SHOW WARNINGS", true)]
    [InlineData("SELECT LAST_INSERT_ID()", true)]
    [InlineData("SELECT FOUND_ROWS()", true)]
    [InlineData("SELECT 1", false)]
    [InlineData("INSERT INTO t VALUES (1)", false)]
    public void NeedsPreviousConnection_StatementsAboutThePreviousOne_AreRecognised(string sql, bool expected)
    {
        Assert.Equal(expected, RoutePlanner.NeedsPreviousConnection(StatementClassifier.Classify(sql)));
    }
}
