using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

public sealed class RuleSetTests
{
    private static readonly RuleAction ToPrimary = new() { Route = RuleRoute.Primary };

    [Fact]
    public void Match_EmptySet_ReturnsNull()
    {
        Assert.Null(RuleSet.Empty.Match(Input("SELECT 1")));
        Assert.Equal(0, RuleSet.Empty.Count);
    }

    [Fact]
    public void Match_SeveralRulesMatch_FirstWinsAndOnlyItCountsAHit()
    {
        var first = Rule("first", new RuleConditions { ClassMask = RuleConditions.MaskOf(StatementClass.Read) });
        var second = Rule("second", RuleConditions.Any);
        var rules = new RuleSet([first, second]);

        Assert.Same(first, rules.Match(Input("SELECT 1")));
        Assert.Same(second, rules.Match(Input("UPDATE t SET a = 1", StatementClass.Write)));
        Assert.Same(first, rules.Match(Input("SELECT 2")));

        Assert.Equal(2, first.Hits);
        Assert.Equal(1, second.Hits);
    }

    [Fact]
    public void Match_NoConditions_MatchesEveryStatement()
    {
        var rules = new RuleSet([Rule("all", RuleConditions.Any)]);

        Assert.NotNull(rules.Match(Input("DELETE FROM t", StatementClass.Write)));
        Assert.NotNull(rules.Match(Input("", StatementClass.Other)));
    }

    [Theory]
    [InlineData("read", true)]
    [InlineData("write", true)]
    [InlineData("session_state", false)]
    [InlineData("transaction_control", false)]
    [InlineData("other", false)]
    public void Match_ClassCondition_MatchesListedClassesOnly(string className, bool expected)
    {
        Assert.True(StatementClassNames.TryParse(className, out var statementClass));
        var mask = RuleConditions.MaskOf(StatementClass.Read) | RuleConditions.MaskOf(StatementClass.Write);
        var rules = new RuleSet([Rule("rw", new RuleConditions { ClassMask = mask })]);

        Assert.Equal(expected, rules.Match(Input("X", statementClass)) is not null);
    }

    [Theory]
    [InlineData("SELECT * FROM report_daily", true)]
    [InlineData("select * from REPORT_daily", true)] // IgnoreCase
    [InlineData("SELECT * FROM orders", false)]
    [InlineData("SELECT 'é' FROM report_x", true)] // non-ASCII text is decoded from UTF-8
    public void Match_Regex_TestsTheStatementText(string sql, bool expected)
    {
        var pattern = new Regex(@"\bFROM\s+report_", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        var rules = new RuleSet([Rule("reports", new RuleConditions { Pattern = pattern })]);

        Assert.Equal(expected, rules.Match(Input(sql)) is not null);
    }

    [Fact]
    public void Match_RegexCaseSensitive_DoesNotFoldCase()
    {
        var pattern = new Regex("^SELECT", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var rules = new RuleSet([Rule("upper", new RuleConditions { Pattern = pattern })]);

        Assert.NotNull(rules.Match(Input("SELECT 1")));
        Assert.Null(rules.Match(Input("select 1")));
    }

    [Fact]
    public void Match_RegexTimesOut_CountsAsNoMatchAndIsCounted()
    {
        // Catastrophic backtracking on a long run of 'a' followed by a mismatch: far beyond 1 ms.
        var pattern = new Regex("^(a+)+$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(1));
        var slow = Rule("slow", new RuleConditions { Pattern = pattern });
        var fallback = Rule("fallback", RuleConditions.Any);
        var rules = new RuleSet([slow, fallback]);

        var matched = rules.Match(Input(new string('a', 5000) + "!"));

        Assert.Same(fallback, matched);
        Assert.Equal(1, slow.RegexTimeouts);
        Assert.Equal(0, slow.Hits);
    }

    [Theory]
    [InlineData("SELECT * FROM orders WHERE id = 42")]
    [InlineData("select * from orders where id=7")]
    [InlineData("SELECT * FROM orders WHERE id = 'abc' /* comment */")]
    public void Match_Digest_IgnoresLiteralValues(string sql)
    {
        Assert.True(RuleDigest.TryCreate("SELECT * FROM orders WHERE id = ?", out var digest));
        var rules = new RuleSet([Rule("orders-by-id", new RuleConditions { Digest = digest })]);

        Assert.NotNull(rules.Match(Input(sql)));
        Assert.Null(rules.Match(Input("SELECT * FROM orders WHERE customer = 42")));
    }

    [Fact]
    public void Match_DigestGivenWithValues_IsNormalisedAtLoad()
    {
        Assert.True(RuleDigest.TryCreate("select * from t where a in (1,2,3)", out var digest));

        Assert.Equal("SELECT * FROM t WHERE a IN (...)", digest.Text);
        Assert.NotNull(new RuleSet([Rule("d", new RuleConditions { Digest = digest })]).Match(Input("SELECT * FROM t WHERE a IN (9)")));
    }

    [Fact]
    public void Match_PrecomputedDigest_IsUsedInsteadOfTheText()
    {
        Assert.True(RuleDigest.TryCreate("SELECT ?", out var digest));
        var rules = new RuleSet([Rule("d", new RuleConditions { Digest = digest })]);

        // The caller's digest wins over the text: proof that the matcher did not normalise it again.
        Assert.NotNull(rules.Match(Input("DELETE FROM t").WithDigest(digest.Hash)));
        Assert.Null(rules.Match(Input("SELECT 1").WithDigest(digest.Hash + 1)));
    }

    [Fact]
    public void Match_EmptyDigestText_IsRefused()
    {
        Assert.False(RuleDigest.TryCreate("  /* only a comment */ ", out _));
    }

    [Fact]
    public void Match_User_IsCaseSensitiveAndAnyOfTheList()
    {
        var rules = new RuleSet([Rule("users", new RuleConditions { Users = ["report", "bi"] })]);

        Assert.NotNull(rules.Match(Input("SELECT 1", user: "bi")));
        Assert.Null(rules.Match(Input("SELECT 1", user: "BI")));
        Assert.Null(rules.Match(Input("SELECT 1", user: "app")));
    }

    [Fact]
    public void Match_Schema_NeedsASelectedSchema()
    {
        var rules = new RuleSet([Rule("shop", new RuleConditions { Schemas = ["shop"] })]);

        Assert.NotNull(rules.Match(Input("SELECT 1", schema: "shop")));
        Assert.Null(rules.Match(Input("SELECT 1", schema: "other")));
        Assert.Null(rules.Match(Input("SELECT 1", schema: null)));
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.200.0.1", true)] // IPv4 client seen through a dual-stack socket
    [InlineData("11.0.0.1", false)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", false)]
    public void Match_ClientCidr_MatchesIPv4AndIPv6(string address, bool expected)
    {
        Assert.True(ClientNetwork.TryParse("10.0.0.0/8", out var v4, out _));
        Assert.True(ClientNetwork.TryParse("fd00::/8", out var v6, out _));
        var rules = new RuleSet([Rule("internal", new RuleConditions { Clients = [v4, v6] })]);

        Assert.Equal(expected, rules.Match(Input("SELECT 1", client: IPAddress.Parse(address))) is not null);
    }

    [Fact]
    public void Match_ClientConditionUnknownAddress_DoesNotMatch()
    {
        Assert.True(ClientNetwork.TryParse("0.0.0.0/0", out var everything, out _));
        var rules = new RuleSet([Rule("any-v4", new RuleConditions { Clients = [everything] })]);

        Assert.Null(rules.Match(Input("SELECT 1", anonymous: true)));
        Assert.NotNull(rules.Match(Input("SELECT 1", client: IPAddress.Loopback)));
    }

    [Fact]
    public void Match_AllConditionsMustHold()
    {
        var conditions = new RuleConditions
        {
            ClassMask = RuleConditions.MaskOf(StatementClass.Read),
            Users = ["report"],
            Pattern = new Regex("orders", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)),
        };
        var rules = new RuleSet([Rule("all", conditions)]);

        Assert.NotNull(rules.Match(Input("SELECT * FROM orders", user: "report")));
        Assert.Null(rules.Match(Input("SELECT * FROM orders", user: "app")));
        Assert.Null(rules.Match(Input("SELECT * FROM items", user: "report")));
        Assert.Null(rules.Match(Input("DELETE FROM orders", StatementClass.Write, user: "report")));
    }

    [Fact]
    public void NeedsDigestAndNeedsText_FollowTheConditionsUsed()
    {
        Assert.True(RuleDigest.TryCreate("SELECT ?", out var digest));
        var plain = new RuleSet([Rule("a", new RuleConditions { Users = ["x"] })]);
        var both = new RuleSet([Rule("d", new RuleConditions { Digest = digest }), Rule("r", new RuleConditions { Pattern = new Regex("x") })]);

        Assert.False(plain.NeedsDigest);
        Assert.False(plain.NeedsText);
        Assert.True(both.NeedsDigest);
        Assert.True(both.NeedsText);
    }

    [Fact]
    public void Match_ConcurrentCallers_CountEveryHit()
    {
        var rule = Rule("all", RuleConditions.Any);
        var rules = new RuleSet([rule]);

        Parallel.For(0, 10_000, _ => rules.Match(Input("SELECT 1")));

        Assert.Equal(10_000, rule.Hits);
    }

    [Fact]
    public void ContinueCountsFrom_SameNameKeepsItsCountsOthersStartAtZero()
    {
        var oldA = Rule("a", RuleConditions.Any);
        var previous = new RuleSet([oldA, Rule("b", RuleConditions.Any)]);
        previous.Match(Input("SELECT 1"));
        previous.Match(Input("SELECT 2"));
        var newA = Rule("a", new RuleConditions { Users = ["nobody"] });
        var newC = Rule("c", RuleConditions.Any);
        var next = new RuleSet([newA, newC]);

        next.ContinueCountsFrom(previous);

        Assert.Equal(2, newA.Hits);
        Assert.Equal(0, newC.Hits);
    }

    [Fact]
    public void Describe_ListsConditionsAndAction()
    {
        Assert.True(ClientNetwork.TryParse("10.0.0.0/8", out var network, out _));
        var rule = new RoutingRule("r",
            new RuleConditions { ClassMask = RuleConditions.MaskOf(StatementClass.Read), Users = ["bi"], Clients = [network] },
            new RuleAction { Route = RuleRoute.ToGroup("analytics"), Consistency = ConsistencyLevel.MaxLag(2), Timeout = TimeSpan.FromSeconds(30) });

        Assert.Equal("class=read user=bi client=10.0.0.0/8 -> route analytics consistency max_lag=2 timeout 30000ms", rule.Describe());
        Assert.Equal("every statement -> block \"no\"", new RoutingRule("b", RuleConditions.Any, new RuleAction { BlockMessage = "no" }).Describe());
    }

    private static RoutingRule Rule(string name, RuleConditions conditions) => new(name, conditions, ToPrimary);

    private static TestInput Input(string sql, StatementClass statementClass = StatementClass.Read, string user = "app", string? schema = "shop", IPAddress? client = null, bool anonymous = false) =>
        new(statementClass, Encoding.UTF8.GetBytes(sql), user, schema, anonymous ? null : client ?? IPAddress.Loopback, null);

    /// <summary>A RuleInput is a ref struct: tests describe one with this record and convert it at the call.</summary>
    private sealed record TestInput(StatementClass Class, byte[] Sql, string User, string? Schema, IPAddress? Client, ulong? Digest)
    {
        public TestInput WithDigest(ulong digest) => this with { Digest = digest };

        public static implicit operator RuleInput(TestInput input) =>
            new(input.Class, input.Sql, input.User, input.Schema, input.Client) { Digest = input.Digest };
    }
}
