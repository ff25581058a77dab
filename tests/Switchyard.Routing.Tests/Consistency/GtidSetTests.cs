using Switchyard.Routing.Consistency;

namespace Switchyard.Routing.Tests.Consistency;

public sealed class GtidSetTests
{
    private const string UuidA = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private const string UuidB = "4f22ab58-82db-22f2-af44-d91bb0530673";

    private static GtidSet Set(string text) => GtidSet.Parse(text);

    private static string ParseError(string text)
    {
        Assert.False(GtidSet.TryParse(text, out var set, out var error));
        Assert.Null(set);
        Assert.NotNull(error);
        return error;
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n")]
    public void TryParse_Blank_IsTheEmptySet(string text)
    {
        Assert.True(GtidSet.TryParse(text, out var set, out var error));
        Assert.Null(error);
        Assert.True(set!.IsEmpty);
        Assert.Equal("", set.ToString());
    }

    [Theory]
    [InlineData("0-1-100", "0-1-100")]
    [InlineData("1-2-50,0-1-100", "0-1-100,1-2-50")]
    [InlineData(" 0-1-100 ,\n 1-2-50 ", "0-1-100,1-2-50")]
    [InlineData("4294967295-4294967295-18446744073709551615", "4294967295-4294967295-18446744073709551615")]
    [InlineData("007-01-0100", "7-1-100")]
    public void TryParse_MariaDb_ProducesCanonicalText(string text, string canonical)
    {
        Assert.True(GtidSet.TryParse(text, out var set, out var error), error);
        Assert.Equal(GtidFlavor.MariaDb, set!.Flavor);
        Assert.False(set.IsEmpty);
        Assert.Equal(canonical, set.ToString());
        Assert.Equal(set, Set(set.ToString()));
    }

    [Theory]
    [InlineData("0-1", "domain-server-sequence")]
    [InlineData("0-1-2-3", "domain-server-sequence")]
    [InlineData("0-1-", "sequence number '' is not a number")]
    [InlineData("a-1-2", "domain 'a' is not a number")]
    [InlineData("0-x-2", "server id 'x' is not a number")]
    [InlineData("-1-1-2", "domain-server-sequence")]
    [InlineData("0-+1-2", "server id '+1' is not a number")]
    [InlineData("4294967296-1-2", "domain 4294967296 is out of range")]
    [InlineData("0-4294967296-2", "server id 4294967296 is out of range")]
    [InlineData("0-1-18446744073709551616", "sequence number 18446744073709551616 is out of range")]
    [InlineData("0-1-2,", "empty GTID")]
    [InlineData("0-1-2,,1-1-1", "empty GTID")]
    [InlineData("0-1-2,0-2-5", "domain 0 appears twice")]
    [InlineData("garbage", "domain-server-sequence")]
    [InlineData("0 - 1 - 2", "not a number")]
    public void TryParse_MalformedMariaDb_NamesTheProblem(string text, string expected)
    {
        Assert.Contains(expected, ParseError(text));
    }

    [Theory]
    [InlineData(UuidA + ":1-5", UuidA + ":1-5")]
    [InlineData("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7", UuidA + ":1-5:7")]
    [InlineData(UuidA + ":7:1-5", UuidA + ":1-5:7")]
    [InlineData(UuidA + ":1-5:6-9", UuidA + ":1-9")]
    [InlineData(UuidA + ":1-5:3-9:2", UuidA + ":1-9")]
    [InlineData(UuidA + ":3", UuidA + ":3")]
    [InlineData(UuidA + ":3-3", UuidA + ":3")]
    [InlineData(UuidB + ":1-3,\n" + UuidA + ":1-5", UuidA + ":1-5," + UuidB + ":1-3")]
    [InlineData(UuidA + ":1-2,\n  " + UuidA + ":4", UuidA + ":1-2:4")]
    [InlineData(UuidA + ":1-2:Batch:5-6", UuidA + ":1-2:batch:5-6")]
    [InlineData(UuidA + ":zz:1,\n" + UuidA + ":aa:2:1", UuidA + ":aa:1-2:zz:1")]
    public void TryParse_MySql_ProducesCanonicalText(string text, string canonical)
    {
        Assert.True(GtidSet.TryParse(text, out var set, out var error), error);
        Assert.Equal(GtidFlavor.MySql, set!.Flavor);
        Assert.Equal(canonical, set.ToString());
        Assert.Equal(set, Set(set.ToString()));
    }

    [Theory]
    [InlineData("3e11fa47-71ca-11e1-9e33:1-5", "not a server uuid")]
    [InlineData("3e11fa47x71ca-11e1-9e33-c80aa9429562:1-5", "not a server uuid")]
    [InlineData("3g11fa47-71ca-11e1-9e33-c80aa9429562:1-5", "not a server uuid")]
    [InlineData(":1-5", "not a server uuid")]
    [InlineData(UuidA, "domain-server-sequence")]
    [InlineData(UuidA + ":", "not a number")]
    [InlineData(UuidA + ":5-3", "ends before it starts")]
    [InlineData(UuidA + ":0-3", "outside")]
    [InlineData(UuidA + ":1-9223372036854775807", "outside")]
    [InlineData(UuidA + ":1-99999999999999999999", "out of range")]
    [InlineData(UuidA + ":1-x", "not a number")]
    [InlineData(UuidA + ":tag", "no transaction interval")]
    [InlineData(UuidA + ":1:tag", "no transaction interval")]
    [InlineData(UuidA + ":t-g:1", "not a GTID tag")]
    [InlineData(UuidA + ":1,", "empty element")]
    [InlineData("0-1-2," + UuidA + ":1", "not a server uuid")]
    public void TryParse_MalformedMySql_NamesTheProblem(string text, string expected)
    {
        Assert.Contains(expected, ParseError(text));
    }

    [Fact]
    public void Parse_Malformed_ThrowsFormatExceptionWithTheReason()
    {
        var exception = Assert.Throws<FormatException>(() => GtidSet.Parse("0-1-2,0-3-4"));
        Assert.Contains("appears twice", exception.Message);
    }

    [Theory]
    [InlineData("0-1-100,1-2-50", "0-1-100", true)]
    [InlineData("0-1-100,1-2-50", "0-1-99", true)]
    [InlineData("0-1-100,1-2-50", "0-9-100", true)] // the server id does not order a domain
    [InlineData("0-1-100,1-2-50", "0-1-101", false)]
    [InlineData("0-1-100,1-2-50", "0-1-100,1-2-51", false)]
    [InlineData("0-1-100,1-2-50", "2-1-1", false)]
    [InlineData("0-1-100", "0-1-100,1-2-50", false)]
    [InlineData("1-2-50", "0-1-1", false)]
    [InlineData("0-1-100,2-1-5", "2-1-5", true)]
    [InlineData("", "0-1-1", false)]
    [InlineData("0-1-1", "", true)]
    [InlineData("", "", true)]
    public void Contains_MariaDb_ComparesSequencePerDomain(string have, string need, bool expected)
    {
        Assert.Equal(expected, Set(have).Contains(Set(need)));
    }

    [Theory]
    [InlineData(UuidA + ":1-10", UuidA + ":3-5", true)]
    [InlineData(UuidA + ":1-10", UuidA + ":1-10", true)]
    [InlineData(UuidA + ":1-10", UuidA + ":10-11", false)]
    [InlineData(UuidA + ":1-5:7-9", UuidA + ":5-7", false)]
    [InlineData(UuidA + ":1-5:7-9", UuidA + ":2:8", true)]
    [InlineData(UuidA + ":1-5:7-9", UuidA + ":6", false)]
    [InlineData(UuidA + ":1-5", UuidB + ":1", false)]
    [InlineData(UuidA + ":1-5," + UuidB + ":1-3", UuidB + ":2," + UuidA + ":5", true)]
    [InlineData(UuidA + ":1-5", UuidA + ":t:1", false)]
    [InlineData(UuidA + ":1-5:t:1-2", UuidA + ":t:1", true)]
    [InlineData("", UuidA + ":1", false)]
    [InlineData(UuidA + ":1", "", true)]
    public void Contains_MySql_IsSubset(string have, string need, bool expected)
    {
        Assert.Equal(expected, Set(have).Contains(Set(need)));
    }

    [Fact]
    public void Contains_DifferentFlavors_IsFalse()
    {
        Assert.False(Set("0-1-100").Contains(Set(UuidA + ":1")));
        Assert.False(Set(UuidA + ":1-100").Contains(Set("0-1-1")));
    }

    [Theory]
    [InlineData("0-1-100", "0-1-101", "0-1-101")]
    [InlineData("0-1-100", "0-2-99", "0-1-100")]
    [InlineData("0-1-100", "1-2-5", "0-1-100,1-2-5")]
    [InlineData("0-1-100,2-1-7", "1-2-5,2-3-9", "0-1-100,1-2-5,2-3-9")]
    [InlineData("", "0-1-1", "0-1-1")]
    [InlineData("0-1-1", "", "0-1-1")]
    public void Union_MariaDb_KeepsTheHigherSequencePerDomain(string a, string b, string expected)
    {
        Assert.Equal(expected, Set(a).Union(Set(b)).ToString());
        Assert.Equal(expected, Set(b).Union(Set(a)).ToString());
    }

    [Theory]
    [InlineData(UuidA + ":1-5", UuidA + ":6-9", UuidA + ":1-9")]
    [InlineData(UuidA + ":1-5", UuidA + ":8", UuidA + ":1-5:8")]
    [InlineData(UuidA + ":1-5:8", UuidA + ":6-7", UuidA + ":1-8")]
    [InlineData(UuidA + ":1-5:10-12", UuidA + ":4-11", UuidA + ":1-12")]
    [InlineData(UuidA + ":1-5", UuidB + ":1", UuidA + ":1-5," + UuidB + ":1")]
    [InlineData(UuidA + ":1-5", UuidA + ":t:1", UuidA + ":1-5:t:1")]
    [InlineData(UuidA + ":3", UuidA + ":1:5", UuidA + ":1:3:5")]
    public void Union_MySql_UnitesIntervals(string a, string b, string expected)
    {
        Assert.Equal(expected, Set(a).Union(Set(b)).ToString());
        Assert.Equal(expected, Set(b).Union(Set(a)).ToString());
    }

    [Fact]
    public void Union_OneContainsTheOther_ReturnsThatInstance()
    {
        var older = Set("0-1-100");
        var newer = Set("0-1-101");

        Assert.Same(newer, older.Union(newer));
        Assert.Same(newer, newer.Union(older));
    }

    [Fact]
    public void Union_DifferentFlavors_KeepsTheArgument()
    {
        var mySql = Set(UuidA + ":1");

        Assert.Same(mySql, Set("0-1-1").Union(mySql));
    }

    [Fact]
    public void Union_Result_ContainsBothOperands()
    {
        var a = Set("0-1-100,1-1-4");
        var b = Set("1-2-9,2-2-2");
        var union = a.Union(b);

        Assert.True(union.Contains(a));
        Assert.True(union.Contains(b));
        Assert.False(a.Contains(union));
    }

    [Theory]
    [InlineData("0-1-100,1-2-50", "1-2-50, 0-1-100", true)]
    [InlineData("0-1-100", "0-2-100", false)]
    [InlineData("0-1-100", "0-1-101", false)]
    [InlineData(UuidA + ":1-3:4-5", "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5", true)]
    [InlineData(UuidA + ":1-5", UuidA + ":1-4", false)]
    [InlineData(UuidA + ":1-5", UuidA + ":x:1-5", false)]
    [InlineData("", "  ", true)]
    [InlineData("", "0-1-1", false)]
    public void Equals_ComparesTransactionsNotSpelling(string a, string b, bool expected)
    {
        Assert.Equal(expected, Set(a).Equals(Set(b)));
        if (expected)
        {
            Assert.Equal(Set(a).GetHashCode(), Set(b).GetHashCode());
        }
    }

    [Fact]
    public void Equals_DifferentFlavorsOrTypes_IsFalse()
    {
        Assert.False(Set("0-1-1").Equals(Set(UuidA + ":1")));
        Assert.False(Set("0-1-1").Equals("0-1-1"));
        Assert.False(Set("0-1-1").Equals(null));
    }

    [Fact]
    public void Empty_EqualsAnEmptySetOfEitherFlavor()
    {
        Assert.True(GtidSet.Empty.IsEmpty);
        Assert.Equal(GtidSet.Empty, Set(""));
        Assert.True(Set(UuidA + ":1").Contains(GtidSet.Empty));
    }

    [Theory]
    // A replica's @@global.gtid_executed as MySQL prints it (sources on separate lines) against the GTID that
    // session_track_gtids = OWN_GTID reported for a write.
    [InlineData(UuidA + ":1-23,\n" + UuidB + ":1-5", UuidA + ":23", true)]
    [InlineData(UuidA + ":1-22,\n" + UuidB + ":1-5", UuidA + ":23", false)]
    // Without session tracking the write is known as the primary's whole gtid_executed: a superset, never less.
    [InlineData(UuidA + ":1-23,\n" + UuidB + ":1-5", UuidA + ":1-23,\n" + UuidB + ":1-5", true)]
    [InlineData(UuidA + ":1-30", UuidA + ":1-23,\n" + UuidB + ":1-5", false)]
    public void Contains_MySqlExecutedAgainstWrite_ComparesAsSets(string executed, string write, bool expected)
    {
        Assert.Equal(expected, Set(executed).Contains(Set(write)));
    }
}
