using System.Net;
using System.Text;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Rules;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class RulesConfigTests
{
    /// <summary>Two users, a primary and a replica in two groups; the rules of each test follow `rules:`.</summary>
    private const string Base = """
        backend_credentials:
          user: switchyard
          password: secret
        users:
          - name: app
            password: app
          - name: report
            password: report
        backends:
          - name: primary
            address: 127.0.0.1:3306
            role: primary
            region: eu-west-1a
          - name: analytics1
            address: 127.0.0.1:3307
            region: eu-west-1b
            groups: [analytics, reporting]
        rules:

        """;

    [Fact]
    public void LoadYaml_NoRules_IsTheEmptySet()
    {
        var config = ConfigLoader.LoadYaml(Base.Replace("rules:\n", ""), "test");

        Assert.Same(RuleSet.Empty, config.Rules);
    }

    [Fact]
    public void LoadYaml_BackendRegionAndGroups_AreKept()
    {
        var config = ConfigLoader.LoadYaml(Base.Replace("rules:\n", ""), "test");

        Assert.Equal("eu-west-1a", config.Backends[0].Region);
        Assert.Empty(config.Backends[0].Groups);
        Assert.Equal(["analytics", "reporting"], config.Backends[1].Groups);
    }

    [Fact]
    public void LoadYaml_EveryMatcherAndAction_BuildsTheRulesInOrder()
    {
        var yaml = Base + """
              - name: reports
                match:
                  class: [read, session_state]
                  regex: '\bFROM\s+report_'
                  ignore_case: false
                  user: [report]
                  schema: shop
                  client: [10.0.0.0/8, "fd00::/8"]
                route: analytics
                max_lag: 1500ms
                timeout: 30s
              - name: order-by-id
                match:
                  digest: select * from orders where id = 42
                route: primary
              - name: no-drop
                match:
                  regex: '^\s*DROP\s'
                block: DROP is not allowed here
            """;

        var rules = ConfigLoader.LoadYaml(yaml, "test").Rules;

        Assert.Equal(["reports", "order-by-id", "no-drop"], rules.Rules.Select(r => r.Name));
        var reports = rules.Rules[0];
        Assert.Equal(RuleConditions.MaskOf(StatementClass.Read) | RuleConditions.MaskOf(StatementClass.SessionState), reports.Conditions.ClassMask);
        Assert.Equal(["report"], reports.Conditions.Users);
        Assert.Equal(["shop"], reports.Conditions.Schemas);
        Assert.Equal(["10.0.0.0/8", "fd00::/8"], reports.Conditions.Clients!.Select(c => c.ToString()));
        Assert.Equal(RuleRoute.ToGroup("analytics"), reports.Action.Route);
        Assert.Equal(ConsistencyLevel.MaxLag(1.5), reports.Action.Consistency);
        Assert.Equal(TimeSpan.FromSeconds(30), reports.Action.Timeout);
        Assert.Equal("SELECT * FROM orders WHERE id = ?", rules.Rules[1].Conditions.Digest!.Value.Text);
        Assert.Equal(RuleRoute.Primary, rules.Rules[1].Action.Route);
        Assert.Equal("DROP is not allowed here", rules.Rules[2].Action.BlockMessage);
        Assert.True(rules.NeedsDigest);
        Assert.True(rules.NeedsText);

        // The loaded set matches as configured: case-sensitive pattern, client range, user.
        Assert.Same(reports, rules.Match(Input("SELECT * FROM report_x", user: "report", client: "10.9.9.9")));
        Assert.Null(rules.Match(Input("select * from REPORT_x", user: "report", client: "10.9.9.9")));
        Assert.Same(rules.Rules[1], rules.Match(Input("SELECT * FROM orders WHERE id = 7")));
        Assert.Same(rules.Rules[2], rules.Match(Input("  drop table t", StatementClass.Write)));
    }

    [Fact]
    public void LoadYaml_RuleWithoutName_IsNamedByPosition()
    {
        var yaml = Base + "  - route: primary\n";

        Assert.Equal("rules[0]", Assert.Single(ConfigLoader.LoadYaml(yaml, "test").Rules.Rules).Name);
    }

    [Fact]
    public void LoadYaml_RegexIgnoresCaseByDefault()
    {
        var yaml = Base + "  - match: { regex: '^select' }\n    route: primary\n";

        var rules = ConfigLoader.LoadYaml(yaml, "test").Rules;

        Assert.NotNull(rules.Match(Input("SELECT 1")));
    }

    /// <summary>One bad rule each: the message, and the line and column of the node it names (the position of
    /// <c>at</c>, the <c>occurrence</c>-th time it appears in the file).</summary>
    [Theory]
    [InlineData("  - name: r\n    rout: primary\n    timeout: 1s\n", "unknown key 'rules[0].rout' (did you mean 'route'?)", "rout:")]
    [InlineData("  - name: r\n    frobnicate: 1\n    route: primary\n", "unknown key 'rules[0].frobnicate'", "frobnicate:")]
    [InlineData("  - match:\n      clas: read\n    route: primary\n", "unknown key 'rules[0].match.clas' (did you mean 'class'?)", "clas:")]
    [InlineData("  - match: { regex: 'a(b' }\n    route: primary\n", "'rules[0].match.regex' is not a valid regular expression: InsufficientClosingParentheses", "'a(b'")]
    [InlineData("  - match: { client: 10.1.2.3/8 }\n    route: primary\n", "'rules[0].match.client': '10.1.2.3/8' has bits set beyond its /8 prefix (did you mean 10.0.0.0/8?)", "10.1.2.3/8")]
    [InlineData("  - match: { client: [10.0.0.0/8, nonsense] }\n    route: primary\n", "'rules[0].match.client': 'nonsense' is not an IP address or CIDR range", "nonsense")]
    [InlineData("  - match: { client: \"fd00::/200\" }\n    route: primary\n", "invalid prefix length (0 to 128 for IPv6)", "\"fd00::/200\"")]
    [InlineData("  - match: { class: reads }\n    route: primary\n", "'rules[0].match.class' must be one of read, session_state, transaction_control, write, other, not 'reads' (did you mean 'read'?)", "reads")]
    [InlineData("  - match: { user: reprot }\n    route: primary\n", "'rules[0].match.user' names user 'reprot', which is not in 'users' (did you mean 'report'?)", "reprot")]
    [InlineData("  - match: { digest: '/* nothing */' }\n    route: primary\n", "'rules[0].match.digest' is empty once comments and spacing are removed", "'/* nothing */'")]
    [InlineData("  - match: { user: [] }\n    route: primary\n", "'rules[0].match.user' must not be an empty list", "[]")]
    [InlineData("  - match: { schema: { a: b } }\n    route: primary\n", "'rules[0].match.schema' must be a value or a list of values", "{ a: b }")]
    [InlineData("  - match: { class: read, ignore_case: true }\n    route: primary\n", "'rules[0].match.ignore_case' applies to 'regex'", "true")]
    [InlineData("  - route: analytic\n", "'rules[0].route' names backend group 'analytic', which no backend is in (route is primary, replica or a group from backends[].groups) (did you mean 'analytics'?)", "route: |analytic")]
    [InlineData("  - route: replicas\n", "(did you mean 'replica'?)", "replicas")]
    [InlineData("  - max_lag: soon\n", "'rules[0].max_lag' must be a duration", "soon")]
    [InlineData("  - timeout: 0ms\n", "'rules[0].timeout' must be at least 1ms", "0ms")]
    [InlineData("  - block: nope\n    route: primary\n", "'rules[0].block' cannot be combined with route, consistency, max_lag, timeout or mirror", "nope")]
    [InlineData("  - block: \"\"\n", "'rules[0].block' needs the message the client gets", "\"\"")]
    [InlineData("  - name: idle\n    match: { class: read }\n", "'rules[0]' has no action: give route, consistency, max_lag, block, timeout or mirror", "name: idle")]
    [InlineData("  - name: twice\n    route: primary\n  - name: twice\n    route: replica\n", "rule 'twice' is defined twice", "twice", 2)]
    [InlineData("  - primary\n", "'rules[0]' must be a mapping", "  - |primary")]
    public void LoadYaml_BadRule_ReportsItWithLineAndColumn(string rules, string message, string at, int occurrence = 1)
    {
        AssertSingleError(Base + rules, message, at, occurrence);
    }

    [Theory]
    [InlineData("groups: [primary]", "'backends[1].groups' cannot use 'primary': rules already route to primary by that name", "primary]")]
    [InlineData("groups: [\"a b\"]", "'backends[1].groups' names must be letters, digits, '_', '-' or '.' (at most 64), not 'a b'", "\"a b\"")]
    [InlineData("groups: [x, x]", "'backends[1].groups' lists 'x' twice", "x]")]
    [InlineData("groups: { a: 1 }", "'backends[1].groups' must be a value or a list of values", "{ a: 1 }")]
    public void LoadYaml_BadBackendTags_ReportsThem(string tags, string message, string at)
    {
        var yaml = Base.Replace("rules:\n", "").Replace("groups: [analytics, reporting]", tags);

        AssertSingleError(yaml, message, at);
    }

    [Fact]
    public void LoadYaml_BlankRegion_ReportsIt()
    {
        var yaml = Base.Replace("rules:\n", "").Replace("region: eu-west-1b", "region: \" \"");

        AssertSingleError(yaml, "'backends[1].region' must not be blank", "\" \"");
    }

    [Fact]
    public void LoadYaml_SeveralBadRules_ReportsEveryError()
    {
        var yaml = Base + """
              - match: { regex: '(' }
                route: nowhere
              - match: { client: bogus, class: nope }
                timeout: never
            """;

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Equal(5, e.Errors.Count);
        Assert.All(e.Errors, error => Assert.True(error.Line > 0));
    }

    [Fact]
    public void LoadYaml_ConsistencyLevel_IsParsed()
    {
        var yaml = Base + "  - match: { user: report }\n    consistency: strong\n";

        Assert.Equal(ConsistencyLevel.Strong, Assert.Single(ConfigLoader.LoadYaml(yaml, "test").Rules.Rules).Action.Consistency);
    }

    [Fact]
    public void LoadYaml_UnknownConsistencyLevel_ReportsItWithLineAndColumn()
    {
        AssertSingleError(Base + "  - consistency: sometimes\n", "'rules[0].consistency' is not a consistency level", "sometimes");
    }

    [Fact]
    public void LoadYaml_ConsistencyAndMaxLag_ReportsOnlyOne()
    {
        AssertSingleError(Base + "  - consistency: strong\n    max_lag: 2s\n", "'rules[0]' must have only one of consistency, max_lag", "2s");
    }

    private static void AssertSingleError(string yaml, string message, string at, int occurrence = 1)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains(message, error.Message);
        var (line, column) = PositionOf(yaml, at, occurrence);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    /// <summary>1-based line and column of the <paramref name="occurrence"/>-th appearance of <paramref name="text"/>;
    /// a '|' in it marks the column when the text must include some context to be found.</summary>
    private static (int Line, int Column) PositionOf(string yaml, string text, int occurrence)
    {
        var offset = Math.Max(0, text.IndexOf('|'));
        text = text.Replace("|", "");
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var column = lines[i].IndexOf(text, StringComparison.Ordinal);
            if (column >= 0 && --occurrence == 0)
                return (i + 1, column + offset + 1);
        }
        throw new InvalidOperationException($"'{text}' not in the test YAML");
    }

    private static RuleProbe Input(string sql, StatementClass statementClass = StatementClass.Read, string user = "app", string client = "127.0.0.1") =>
        new(statementClass, Encoding.UTF8.GetBytes(sql), user, IPAddress.Parse(client));

    private sealed record RuleProbe(StatementClass Class, byte[] Sql, string User, IPAddress Client)
    {
        public static implicit operator RuleInput(RuleProbe probe) => new(probe.Class, probe.Sql, probe.User, "shop", probe.Client);
    }

    [Fact]
    public void LoadYaml_MirrorToAGroup_IsKeptOnTheRuleAndAloneIsAnAction()
    {
        var config = ConfigLoader.LoadYaml(Base + "  - name: copy-orders\n    match: { class: write }\n    mirror: reporting\n", "test");

        Assert.Equal("reporting", Assert.Single(config.Rules.Rules).Action.MirrorGroup);
        Assert.False(config.Rules.Rules[0].Action.IsEmpty);
    }

    [Theory]
    [InlineData("  - mirror: nowhere\n", "'rules[0].mirror' names backend group 'nowhere', which no backend is in")]
    [InlineData("  - block: nope\n    mirror: reporting\n", "'rules[0].block' cannot be combined with route, consistency, max_lag, timeout or mirror: a blocked statement runs nowhere")]
    public void LoadYaml_BadMirror_IsRejected(string rules, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(Base + rules, "test"));

        Assert.Contains(e.Errors, x => x.Message.StartsWith(expected, StringComparison.Ordinal));
    }
}
