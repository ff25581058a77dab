using System.Text;
using Switchyard.Proxy.Consistency;

namespace Switchyard.Proxy.Tests.Consistency;

public sealed class ProxyStatementParserTests
{
    private static ProxyStatement? Parse(string sql) => ProxyStatementParser.Parse(Encoding.UTF8.GetBytes(sql));

    private static ProxyStatementParser.Mentions Mentions(string sql) => ProxyStatementParser.MayConcern(Encoding.UTF8.GetBytes(sql));

    [Theory]
    [InlineData("SELECT 1", "None")]
    [InlineData("SELECT @@server_id", "None")]
    [InlineData("SELECT 'switchyard'", "None")]
    [InlineData("SELECT @@last_gtid_x", "None")]
    [InlineData("SET @@switchyard.consistency = 'strong'", "Switchyard")]
    [InlineData("set @@SESSION.SwitchYard.consistency = 'strong'", "Switchyard")]
    [InlineData("SELECT @@server_id, @@last_gtid", "LastGtid")]
    [InlineData("SELECT @@session.LAST_GTID", "LastGtid")]
    public void MayConcern_FindsProxyVariablesOnly(string sql, string expected)
    {
        Assert.Equal(expected, Mentions(sql).ToString());
    }

    [Theory]
    [InlineData("SET @@switchyard.consistency = 'strong'", "switchyard.consistency", "strong")]
    [InlineData("set @@Session.switchyard.Consistency:=\"max_lag=1.5\" ;", "switchyard.consistency", "max_lag=1.5")]
    [InlineData("SET @@switchyard.consistency = eventual", "switchyard.consistency", "eventual")]
    [InlineData("SET @@switchyard.consistency = DEFAULT", "switchyard.consistency", null)]
    [InlineData("/* why */ SET @@switchyard.user_id = 'it''s 42'", "switchyard.user_id", "it's 42")]
    [InlineData("SET @@switchyard.user_id = 42", "switchyard.user_id", "42")]
    public void Parse_Set_ReadsNameAndValue(string sql, string name, string? value)
    {
        var statement = Parse(sql);

        Assert.NotNull(statement);
        Assert.Equal(ProxyStatementKind.Set, statement.Kind);
        var variable = Assert.Single(statement.Variables);
        Assert.Equal(name, variable.Name);
        Assert.Equal(value, variable.Value);
    }

    [Fact]
    public void Parse_SetOfTwo_ReadsBoth()
    {
        var statement = Parse("SET @@switchyard.consistency = 'strong', @@switchyard.user_id = 'u1'")!;

        Assert.Equal(["switchyard.consistency", "switchyard.user_id"], statement.Variables.Select(v => v.Name));
    }

    [Fact]
    public void Parse_Select_KeepsTheTextAsColumnName()
    {
        var statement = Parse("SELECT @@switchyard.consistency, @@SESSION.switchyard.user_id , @@last_gtid;")!;

        Assert.Equal(ProxyStatementKind.Select, statement.Kind);
        Assert.Equal(["switchyard.consistency", "switchyard.user_id", "last_gtid"], statement.Variables.Select(v => v.Name));
        Assert.Equal(["@@switchyard.consistency", "@@SESSION.switchyard.user_id", "@@last_gtid"], statement.Variables.Select(v => v.Text));
    }

    [Theory]
    [InlineData("SET @@switchyard.consistency = 'strong', autocommit = 1")]
    [InlineData("SET autocommit = 1, @@switchyard.consistency = 'strong'")]
    [InlineData("SELECT @@switchyard.consistency, @@server_id")]
    [InlineData("SELECT @@switchyard.consistency FROM t")]
    [InlineData("UPDATE t SET x = @@switchyard.consistency")]
    [InlineData("SET @@switchyard.consistency = 'unterminated")]
    public void Parse_SwitchyardVariableInAnotherForm_IsUnsupported(string sql)
    {
        Assert.Equal(ProxyStatementKind.Unsupported, Parse(sql)?.Kind);
    }

    [Theory]
    [InlineData("SELECT @@last_gtid, @@server_id")]
    [InlineData("SELECT CONCAT(@@last_gtid, 'x')")]
    [InlineData("SELECT @@last_gtid FROM dual WHERE 1")]
    public void Parse_LastGtidInAnExpression_IsForwarded(string sql)
    {
        Assert.Null(Parse(sql));
    }
}
