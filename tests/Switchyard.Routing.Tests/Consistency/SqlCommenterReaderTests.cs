using System.Text;
using Switchyard.Routing.Consistency;

namespace Switchyard.Routing.Tests.Consistency;

public sealed class SqlCommenterReaderTests
{
    private static List<(string Key, string Value)> Pairs(string content)
    {
        var pairs = new List<(string, string)>();
        var reader = new SqlCommenterReader(Encoding.UTF8.GetBytes(content));
        while (reader.TryNext(out var key, out var value))
        {
            pairs.Add((Encoding.UTF8.GetString(key), Encoding.UTF8.GetString(value)));
        }

        Assert.False(reader.IsMalformed);
        return pairs;
    }

    [Fact]
    public void TryNext_Pairs_ReturnsKeysAndRawValues()
    {
        Assert.Equal(
            [("a", "1"), ("b%5F", @"x\'y"), ("c", "")],
            Pairs(@"a='1',b%5F='x\'y', c=''"));
    }

    [Theory]
    [InlineData("a='1'", true)]
    [InlineData("a='1',b='2'", true)]
    [InlineData("", false)]
    [InlineData("a", false)]
    [InlineData("a=1", false)]
    [InlineData("a='1", false)]
    [InlineData("a='1',", false)]
    [InlineData("a='1' b='2'", false)]
    [InlineData("=''", false)]
    [InlineData("a b='1'", false)]
    [InlineData(@"a='1\'", false)]
    public void IsSqlCommenter_RecognisesTheShape(string content, bool expected)
    {
        Assert.Equal(expected, SqlCommenterReader.IsSqlCommenter(Encoding.UTF8.GetBytes(content)));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a%20b", "a b")]
    [InlineData("%2f%2F", "//")]
    [InlineData(@"o\'brien", "o'brien")]
    [InlineData(@"back\\slash", @"back\slash")]
    [InlineData("%C3%AB", "ë")]
    [InlineData("a+b", "a+b")]
    public void TryDecode_UndoesQuotingThenPercentEncoding(string encoded, string expected)
    {
        byte[] input = Encoding.UTF8.GetBytes(encoded);
        var output = new byte[input.Length];

        Assert.True(SqlCommenterReader.TryDecode(input, output, out int written));
        Assert.Equal(expected, Encoding.UTF8.GetString(output, 0, written));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("%4")]
    [InlineData("%G1")]
    [InlineData("a%zz")]
    public void TryDecode_BadPercentEscape_Fails(string encoded)
    {
        byte[] input = Encoding.UTF8.GetBytes(encoded);

        Assert.False(SqlCommenterReader.TryDecode(input, new byte[input.Length], out _));
    }
}
