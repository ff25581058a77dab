using System.Text;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;

namespace Switchyard.Routing.Tests.Consistency;

public sealed class StatementTagParserTests
{
    private static StatementTags Parse(string sql, ClassificationOptions options = ClassificationOptions.None) =>
        StatementTagParser.Parse(Encoding.UTF8.GetBytes(sql), options);

    [Theory]
    [InlineData("")]
    [InlineData("SELECT 1")]
    [InlineData("SELECT 1 -- consistency='strong'")]
    [InlineData("SELECT 1 # sy:strong")]
    [InlineData("SELECT '/*sy:strong*/'")]
    [InlineData("SELECT \"/*sy:strong*/\"")]
    [InlineData("SELECT `/*sy:strong*/` FROM t")]
    [InlineData("SELECT 1 /* just a comment */")]
    [InlineData("SELECT 1 /**/")]
    [InlineData("SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1")]
    [InlineData("SELECT 1 /*!50000 consistency='strong' */")]
    [InlineData("SELECT 1 /*!sy:strong*/")]
    [InlineData("SELECT 1 /*M!100000 consistency='strong' */")]
    [InlineData("SELECT 1 /*+ sy:strong */")]
    [InlineData("SELECT 1 /*sy:strong")]
    [InlineData("SELECT 1 -- /*sy:strong*/")]
    [InlineData("SELECT 1 # /*sy:strong*/")]
    [InlineData("SELECT 1 /* consistency = 'strong' */")]
    [InlineData("SELECT 1 /* consistency='strong' and more */")]
    [InlineData("SELECT 1 /*consistency=strong*/")]
    [InlineData("SELECT 1 /*consistency='strong',*/")]
    [InlineData("SELECT 1 /*traceparent='00-abc-01'*/")]
    [InlineData(@"SELECT 1 /*user_id='abc\'*/")]
    [InlineData("SELECT 1 /*user_id='abc'x*/")]
    [InlineData("SELECT 1 /*user id='abc'*/")]
    [InlineData("SELECT 1 /*user_id%3D='abc'*/")]
    public void Parse_NoTagToRead_IsEmpty(string sql)
    {
        Assert.Equal(StatementTags.None, Parse(sql));
    }

    [Theory]
    [InlineData("/*sy:strong*/ SELECT 1", nameof(ConsistencyKind.Strong))]
    [InlineData("SELECT 1 /*sy:eventual*/", nameof(ConsistencyKind.Eventual))]
    [InlineData("SELECT 1 /* sy:ryw */", nameof(ConsistencyKind.ReadYourWrites))]
    [InlineData("SELECT 1 /*SY:Strong*/", nameof(ConsistencyKind.Strong))]
    [InlineData("SELECT/*sy:read-your-writes*/1", nameof(ConsistencyKind.ReadYourWrites))]
    public void Parse_ShortHint_GivesTheLevel(string sql, string kind)
    {
        var tags = Parse(sql);

        Assert.Equal(new ConsistencyLevel(Enum.Parse<ConsistencyKind>(kind)), tags.Consistency);
        Assert.Null(tags.Problem);
    }

    [Fact]
    public void Parse_ShortHintMaxLag_GivesBoundedStaleness()
    {
        Assert.Equal(ConsistencyLevel.MaxLag(1.5), Parse("SELECT 1 /*sy:max_lag=1.5*/").Consistency);
    }

    [Fact]
    public void Parse_SqlCommenter_ReadsEveryKnownKey()
    {
        var tags = Parse("SELECT * FROM t /*consistency='strong',user_id='42',min_gtid='0-1-123',traceparent='00-4bf9-01'*/");

        Assert.Equal(ConsistencyLevel.Strong, tags.Consistency);
        Assert.Equal("42", tags.UserId);
        Assert.Equal(GtidSet.Parse("0-1-123"), tags.MinGtid);
        Assert.Null(tags.Problem);
        Assert.False(tags.IsEmpty);
    }

    [Fact]
    public void Parse_SqlCommenterMaxLag_IsBoundedStaleness()
    {
        Assert.Equal(ConsistencyLevel.MaxLag(2.5), Parse("SELECT 1 /*max_lag='2.5'*/").Consistency);
    }

    [Fact]
    public void Parse_SqlCommenterWithSpacesAfterCommas_IsRead()
    {
        var tags = Parse("SELECT 1 /* route='%2Fparam', user_id='7' */");

        Assert.Equal("7", tags.UserId);
    }

    [Fact]
    public void Parse_UrlEncodedValues_AreDecoded()
    {
        var tags = Parse("SELECT 1 /*user_id='alice%40example.com%2C%20x',min_gtid='0-1-5%2C1-2-6',consistency='max_lag%3D1.5'*/");

        Assert.Equal("alice@example.com, x", tags.UserId);
        Assert.Equal(GtidSet.Parse("0-1-5,1-2-6"), tags.MinGtid);
        Assert.Equal(ConsistencyLevel.MaxLag(1.5), tags.Consistency);
    }

    [Fact]
    public void Parse_UrlEncodedKey_IsRecognised()
    {
        Assert.Equal("9", Parse("SELECT 1 /*user%5Fid='9'*/").UserId);
    }

    [Fact]
    public void Parse_Utf8Value_IsDecoded()
    {
        Assert.Equal("zoë", Parse("SELECT 1 /*user_id='zo%C3%AB'*/").UserId);
        Assert.Equal("zoë", Parse("SELECT 1 /*user_id='zoë'*/").UserId);
    }

    [Fact]
    public void Parse_EscapedQuoteInValue_IsPartOfTheValue()
    {
        Assert.Equal("o'brien", Parse(@"SELECT 1 /*user_id='o\'brien'*/").UserId);
    }

    [Fact]
    public void Parse_MySqlGtidSetValue_KeepsItsColons()
    {
        var tags = Parse("SELECT 1 /*min_gtid='3e11fa47-71ca-11e1-9e33-c80aa9429562%3A1-5'*/");

        Assert.Equal(GtidSet.Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"), tags.MinGtid);
    }

    [Fact]
    public void Parse_LongMinGtid_IsReadBeyondTheStackBuffer()
    {
        string uuids = string.Join(",", Enumerable.Range(0, 12).Select(i => $"3e11fa47-71ca-11e1-9e33-c80aa94295{i:D2}:1-{i + 1}"));

        var tags = Parse($"SELECT 1 /*min_gtid='{Uri.EscapeDataString(uuids)}'*/");

        Assert.Null(tags.Problem);
        Assert.Equal(GtidSet.Parse(uuids), tags.MinGtid);
    }

    [Fact]
    public void Parse_SeveralComments_LaterTagsOverrideEarlierOnes()
    {
        var tags = Parse("/*sy:strong*/ SELECT /*consistency='eventual',user_id='1'*/ 1 /*user_id='2'*/ /* plain */");

        Assert.Equal(ConsistencyLevel.Eventual, tags.Consistency);
        Assert.Equal("2", tags.UserId);
    }

    [Fact]
    public void Parse_SameKeyTwiceInOneComment_LastWins()
    {
        Assert.Equal(ConsistencyLevel.Strong, Parse("SELECT 1 /*consistency='eventual',consistency='strong'*/").Consistency);
    }

    [Fact]
    public void Parse_TagAfterAStringHoldingACommentStart_IsRead()
    {
        var tags = Parse("SELECT '/*', 'it''s', \"a\\\"/*\" /*sy:strong*/");

        Assert.Equal(ConsistencyLevel.Strong, tags.Consistency);
    }

    [Fact]
    public void Parse_BackslashBeforeQuote_EndsTheStringWithoutBackslashEscapes()
    {
        const string sql = @"SELECT 'a\' /*sy:strong*/ '";

        // With escapes the comment is inside the string; without them the string ends at the second quote.
        Assert.Null(Parse(sql).Consistency);
        Assert.Equal(ConsistencyLevel.Strong, Parse(sql, ClassificationOptions.NoBackslashEscapes).Consistency);
    }

    [Fact]
    public void Parse_BacktickIdentifier_IgnoresBackslash()
    {
        Assert.Equal(ConsistencyLevel.Strong, Parse(@"SELECT `a\` /*sy:strong*/").Consistency);
    }

    [Fact]
    public void Parse_UnterminatedString_HidesWhatFollows()
    {
        Assert.Null(Parse("SELECT 'abc /*sy:strong*/").Consistency);
    }

    [Fact]
    public void Parse_CommentAfterLineComment_IsRead()
    {
        Assert.Equal(ConsistencyLevel.Strong, Parse("SELECT 1 -- note\n/*sy:strong*/").Consistency);
        Assert.Equal(ConsistencyLevel.Strong, Parse("SELECT 1 # note\n/*sy:strong*/").Consistency);
    }

    [Fact]
    public void Parse_DoubleDashWithoutSpace_IsAnOperator()
    {
        Assert.Equal(ConsistencyLevel.Strong, Parse("SELECT 1--1 /*sy:strong*/").Consistency);
    }

    [Fact]
    public void Parse_DivisionOperator_IsNotAComment()
    {
        Assert.Equal(ConsistencyLevel.Strong, Parse("SELECT 4/2 /*sy:strong*/").Consistency);
    }

    [Fact]
    public void Parse_ExecutableCommentThenTag_ReadsOnlyTheTag()
    {
        var tags = Parse("SELECT /*!40001 SQL_NO_CACHE */ 1 /*user_id='5'*/");

        Assert.Equal("5", tags.UserId);
        Assert.Null(tags.Consistency);
    }

    [Theory]
    [InlineData("SELECT 1 /*consistency='stronk'*/", "unknown consistency level 'stronk'")]
    [InlineData("SELECT 1 /*sy:stronk*/", "unknown consistency level 'stronk'")]
    [InlineData("SELECT 1 /*sy:max_lag=0*/", "outside")]
    [InlineData("SELECT 1 /*max_lag='x'*/", "max_lag: max_lag 'x' is not a number")]
    [InlineData("SELECT 1 /*min_gtid='0-1-2,0-1-3'*/", "min_gtid: GTID domain 0 appears twice")]
    [InlineData("SELECT 1 /*min_gtid='nonsense'*/", "min_gtid:")]
    [InlineData("SELECT 1 /*user_id='%ZZ'*/", "user_id: malformed %-escape")]
    [InlineData("SELECT 1 /*consistency='strong%2'*/", "consistency: malformed %-escape")]
    [InlineData("SELECT 1 /*user_id=''*/", "user_id: empty")]
    public void Parse_MalformedKnownTag_SetsProblemAndIgnoresTheTag(string sql, string expected)
    {
        var tags = Parse(sql);

        Assert.NotNull(tags.Problem);
        Assert.Contains(expected, tags.Problem);
        Assert.Null(tags.Consistency);
        Assert.Null(tags.UserId);
        Assert.Null(tags.MinGtid);
        Assert.False(tags.IsEmpty);
    }

    [Fact]
    public void Parse_TooLongUserId_IsAProblem()
    {
        var tags = Parse($"SELECT 1 /*user_id='{new string('u', 257)}'*/");

        Assert.Null(tags.UserId);
        Assert.Contains("longer than 256", tags.Problem);
        Assert.Equal(new string('u', 256), Parse($"SELECT 1 /*user_id='{new string('u', 256)}'*/").UserId);
    }

    [Fact]
    public void Parse_OneBadTag_OtherTagsStillApply()
    {
        var tags = Parse("SELECT 1 /*consistency='stronk',user_id='42',min_gtid='0-1-9'*/");

        Assert.Null(tags.Consistency);
        Assert.Equal("42", tags.UserId);
        Assert.Equal(GtidSet.Parse("0-1-9"), tags.MinGtid);
        Assert.Contains("stronk", tags.Problem);
    }

    [Fact]
    public void Parse_TwoProblems_AreBothReported()
    {
        var problem = Parse("SELECT 1 /*sy:nope*/ /*min_gtid='x-y'*/").Problem;

        Assert.Contains("'nope'", problem);
        Assert.Contains("min_gtid", problem);
    }

    [Fact]
    public void Parse_BadTagThenGoodOne_KeepsTheGoodLevelAndTheProblem()
    {
        var tags = Parse("SELECT 1 /*sy:nope*/ /*sy:strong*/");

        Assert.Equal(ConsistencyLevel.Strong, tags.Consistency);
        Assert.NotNull(tags.Problem);
    }

    [Fact]
    public void Parse_BadEscapeInUnknownKey_IsIgnored()
    {
        var tags = Parse("SELECT 1 /*route='%ZZ',user_id='3'*/");

        Assert.Equal("3", tags.UserId);
        Assert.Null(tags.Problem);
    }

    [Fact]
    public void Parse_EmptyMinGtid_AsksForNothing()
    {
        Assert.Equal(StatementTags.None, Parse("SELECT 1 /*min_gtid=''*/"));
    }

    [Fact]
    public void Parse_TruncatedText_ReadsCompleteCommentsOnly()
    {
        string sql = "SELECT 1 /*user_id='1'*/ /*consistency='strong',user_id='2'*/";

        for (int length = 0; length <= sql.Length; length++)
        {
            var tags = Parse(sql[..length], ClassificationOptions.Truncated);
            bool secondComplete = length == sql.Length;
            Assert.Equal(secondComplete ? "2" : length >= 24 ? "1" : null, tags.UserId);
            Assert.Equal(secondComplete ? ConsistencyLevel.Strong : null, tags.Consistency);
            Assert.Null(tags.Problem);
        }
    }

    [Fact]
    public void Parse_NoCommentStart_AllocatesNothing()
    {
        byte[] sql = Encoding.UTF8.GetBytes("SELECT c, 'x--y', `a#b` FROM sbtest1 WHERE id = 5017 -- x\n AND k / 2 > 3");
        StatementTagParser.Parse(sql, ClassificationOptions.None);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var tags = StatementTagParser.Parse(sql, ClassificationOptions.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(StatementTags.None, tags);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Parse_OrdinaryComments_AllocateNothing()
    {
        byte[] sql = Encoding.UTF8.GetBytes("/* app=orders */ SELECT /*+ BKA(t) */ c FROM t /*!50000 x */ WHERE a = '/*' /*sy:strong*/");
        StatementTagParser.Parse(sql, ClassificationOptions.None);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var tags = StatementTagParser.Parse(sql, ClassificationOptions.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ConsistencyLevel.Strong, tags.Consistency);
        Assert.Equal(0, allocated);
    }
}
