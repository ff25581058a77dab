using System.Text;
using Switchyard.Routing.Digests;

namespace Switchyard.Routing.Tests.Digests;

public sealed class QueryDigestTests
{
    [Theory]
    [InlineData("SELECT * FROM t WHERE id = 42", "SELECT * FROM t WHERE id = ?")]
    [InlineData("select  *\n from t\twhere id=42", "SELECT * FROM t WHERE id = ?")]
    [InlineData("SELECT name FROM users WHERE name = 'O''Brien' AND note = \"x\"", "SELECT name FROM users WHERE name = ? AND note = ?")]
    [InlineData("SELECT 'a' 'b'", "SELECT ?")]
    [InlineData("SELECT 1.5, 2e10, 3.25e-4, .5", "SELECT ?, ?, ?, ?")]
    [InlineData("SELECT * FROM t WHERE a = -1 AND b > +2.5", "SELECT * FROM t WHERE a = ? AND b > ?")]
    [InlineData("SELECT a - 1 FROM t", "SELECT a - ? FROM t")]
    [InlineData("SELECT a FROM t WHERE id IN (1, 2, 3)", "SELECT a FROM t WHERE id IN (...)")]
    [InlineData("SELECT a FROM t WHERE id IN (?,?)", "SELECT a FROM t WHERE id IN (...)")]
    [InlineData("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", "INSERT INTO t (a, b) VALUES (...)")]
    [InlineData("INSERT INTO t VALUES (1, NOW())", "INSERT INTO t VALUES (?, NOW())")]
    [InlineData("SELECT COUNT(*) FROM t", "SELECT COUNT(*) FROM t")]
    [InlineData("SELECT t.a, t .b FROM db.t", "SELECT t.a, t.b FROM db.t")]
    [InlineData("SELECT x'0A', b'101', N'text', _utf8mb4'txt'", "SELECT ?, ?, ?, ?")]
    [InlineData("SELECT /* a comment */ 1 -- trailing\n", "SELECT ?")]
    [InlineData("SELECT 1 /*consistency='strong',user_id='42'*/", "SELECT ?")]
    [InlineData("SELECT a FROM t WHERE b <= 3 AND c != 4 AND d < = 5", "SELECT a FROM t WHERE b <= ? AND c != ? AND d < = ?")]
    [InlineData("SELECT `select`.`from` FROM `select`", "SELECT `select`.`from` FROM `select`")]
    [InlineData("SELECT @@session.sql_mode, @a", "SELECT @@session.sql_mode, @a")]
    [InlineData("UPDATE t SET a = 1 WHERE id = 2; SELECT 3", "UPDATE t SET a = ? WHERE id = ?; SELECT ?")]
    [InlineData("SELECT a FROM t WHERE (a, b) IN ((1, 2), (3, 4))", "SELECT a FROM t WHERE (a, b) IN ((...))")]
    [InlineData("SELECT * FROM t LIMIT 10 OFFSET 20", "SELECT * FROM t LIMIT ? OFFSET ?")]
    public void Normalize_ReplacesLiteralsAndFoldsSpacingAndCase(string sql, string expected)
    {
        Assert.Equal(expected, QueryDigest.Normalize(sql));
    }

    [Fact]
    public void StatementsThatDifferOnlyInValuesShareTheHash()
    {
        Assert.Equal(Hash("SELECT * FROM t WHERE id = 1 AND s IN ('a','b')"), Hash("select * from t where id=99 and s in ('c')"));
        Assert.Equal(Hash("SELECT * FROM t WHERE id = 1"), Hash("SELECT * FROM t WHERE id = ?"));
    }

    [Fact]
    public void DifferentStatementsHaveDifferentHashes()
    {
        Assert.NotEqual(Hash("SELECT a FROM t WHERE id = 1"), Hash("SELECT b FROM t WHERE id = 1"));
        Assert.NotEqual(Hash("SELECT a FROM t"), Hash("SELECT a FROM u"));
    }

    [Fact]
    public void HashIsStableAcrossRuns()
    {
        // Digests identify statements in dashboards and logs kept across restarts: the hash must not be seeded.
        Assert.Equal(System.IO.Hashing.XxHash3.HashToUInt64("SELECT ?"u8), Hash("SELECT 1"));
    }

    [Fact]
    public void TextBeyondTheBufferIsCut()
    {
        var sql = "SELECT " + string.Join(", ", Enumerable.Range(0, 200).Select(i => $"column_{i}")) + " FROM t";
        var text = QueryDigest.Normalize(sql, maxLength: 64);
        Assert.Equal(64, Encoding.UTF8.GetByteCount(text));
        Assert.StartsWith("SELECT column_0, column_1", text);
    }

    [Fact]
    public void UnterminatedStringDoesNotThrow()
    {
        Assert.Equal("SELECT ?", QueryDigest.Normalize("SELECT 'abc"));
        Assert.Equal("SELECT a FROM t WHERE (", QueryDigest.Normalize("SELECT a FROM t WHERE ("));
    }

    [Fact]
    public void NestedParenthesesDeeperThanTheGroupLimitAreKeptVerbatim()
    {
        var sql = "SELECT " + new string('(', 40) + "1" + new string(')', 40);
        var text = QueryDigest.Normalize(sql);
        Assert.Contains("?", text);
        Assert.DoesNotContain("1", text);
    }

    private static ulong Hash(string sql) => QueryDigest.Normalize(Encoding.UTF8.GetBytes(sql), new byte[QueryDigest.DefaultMaxLength], out _);
}
