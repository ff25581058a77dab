using Switchyard.Proxy.Sessions;

namespace Switchyard.Proxy.Tests.Sessions;

public sealed class SqlIdentifierTests
{
    [Theory]
    [InlineData("db", "db")]
    [InlineData("`db`", "db")]
    [InlineData("\"db\"", "db")]
    [InlineData("`my db`", "my db")]
    [InlineData("`a``b`", "a`b")]
    [InlineData("\"a\"\"b\"", "a\"b")]
    [InlineData("`a\"b`", "a\"b")] // the other quote is ordinary inside
    [InlineData("\"a``b\"", "a``b")]
    [InlineData("``", "")]
    public void Unquote_Forms_ReturnsTheName(string text, string expected)
    {
        Assert.Equal(expected, SqlIdentifier.Unquote(text));
    }

    [Theory]
    [InlineData("db;", "db")]
    [InlineData("  db  ", "db")]
    [InlineData("`db`;", "db")]
    [InlineData(" `db` ; ", "db")]
    [InlineData("db;;", "db")]
    [InlineData("\"my db\"  ;\n", "my db")]
    public void Unquote_TrailingSemicolonOrSpaces_AreIgnored(string text, string expected)
    {
        Assert.Equal(expected, SqlIdentifier.Unquote(text));
    }

    [Theory]
    [InlineData("`db\"")] // mismatched quotes are not a quoted name
    [InlineData("`")]
    [InlineData("\"")]
    public void Unquote_UnbalancedQuote_ReturnsTextUnchanged(string text)
    {
        Assert.Equal(text, SqlIdentifier.Unquote(text));
    }

    [Fact]
    public void Unquote_SemicolonInsideQuotes_IsKept()
    {
        Assert.Equal("a;", SqlIdentifier.Unquote("`a;`"));
    }
}
