using System.Globalization;
using Switchyard.Routing.Consistency;

namespace Switchyard.Routing.Tests.Consistency;

public sealed class ConsistencyLevelTests
{
    [Theory]
    [InlineData("strong", nameof(ConsistencyKind.Strong))]
    [InlineData("STRONG", nameof(ConsistencyKind.Strong))]
    [InlineData(" eventual ", nameof(ConsistencyKind.Eventual))]
    [InlineData("Eventual", nameof(ConsistencyKind.Eventual))]
    [InlineData("read-your-writes", nameof(ConsistencyKind.ReadYourWrites))]
    [InlineData("read_your_writes", nameof(ConsistencyKind.ReadYourWrites))]
    [InlineData("RYW", nameof(ConsistencyKind.ReadYourWrites))]
    public void TryParse_Names_GiveTheirKind(string text, string kind)
    {
        Assert.True(ConsistencyLevel.TryParse(text, out var level, out var error));
        Assert.Null(error);
        Assert.Equal(new ConsistencyLevel(Enum.Parse<ConsistencyKind>(kind)), level);
    }

    [Theory]
    [InlineData("max_lag=1.5", 1.5)]
    [InlineData("max_lag:2", 2)]
    [InlineData("MAX_LAG=0.25", 0.25)]
    [InlineData("max_lag= 3 ", 3)]
    [InlineData("max_lag=86400", 86400)]
    [InlineData("max_lag=.5", 0.5)]
    public void TryParse_MaxLag_GivesBoundedStaleness(string text, double seconds)
    {
        Assert.True(ConsistencyLevel.TryParse(text, out var level, out var error), error);
        Assert.Equal(ConsistencyKind.BoundedStaleness, level.Kind);
        Assert.Equal(seconds, level.MaxLagSeconds);
    }

    [Fact]
    public void TryParse_MaxLag_IgnoresTheCurrentCulture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma (the build runs with invariant globalization, so no real "de-DE").
            var decimalComma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            decimalComma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = decimalComma;
            Assert.True(ConsistencyLevel.TryParse("max_lag=1.5", out var level, out _));
            Assert.Equal(1.5, level.MaxLagSeconds);
            Assert.Equal("max_lag=1.5", level.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("stronk", "unknown consistency level 'stronk' (expected strong, eventual, read-your-writes or max_lag=N)")]
    [InlineData("", "empty consistency level")]
    [InlineData("   ", "empty consistency level")]
    [InlineData("max_lag", "unknown consistency level 'max_lag'")]
    [InlineData("max_lag=", "max_lag '' is not a number of seconds")]
    [InlineData("max_lag=abc", "max_lag 'abc' is not a number of seconds")]
    [InlineData("max_lag=1,5", "is not a number")]
    [InlineData("max_lag=-1", "is not a number")]
    [InlineData("max_lag=1e3", "is not a number")]
    [InlineData("max_lag=NaN", "is not a number")]
    [InlineData("max_lag=0", "max_lag 0 is outside")]
    [InlineData("max_lag=0.0", "is outside")]
    [InlineData("max_lag=86400.5", "is outside")]
    [InlineData("max_lag=99999999999999999999999", "is outside")]
    [InlineData("max_lag;1", "unknown consistency level")]
    [InlineData("strong,eventual", "unknown consistency level")]
    public void TryParse_Malformed_SaysWhatWasWrong(string text, string expected)
    {
        Assert.False(ConsistencyLevel.TryParse(text, out _, out var error));
        Assert.NotNull(error);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TryParse_LongGarbage_KeepsTheErrorShort()
    {
        Assert.False(ConsistencyLevel.TryParse(new string('x', 10_000), out _, out var error));
        Assert.True(error!.Length < 200, error);
    }

    [Theory]
    [InlineData("strong", "strong", "strong")]
    [InlineData("eventual", "eventual", "eventual")]
    [InlineData("ryw", "read-your-writes", "read_your_writes")]
    [InlineData("max_lag:1.5", "max_lag=1.5", "bounded_staleness")]
    [InlineData("max_lag=10", "max_lag=10", "bounded_staleness")]
    public void ToStringAndMetricLabel_AreCanonical(string text, string canonical, string label)
    {
        Assert.True(ConsistencyLevel.TryParse(text, out var level, out _));
        Assert.Equal(canonical, level.ToString());
        Assert.Equal(label, level.MetricLabel);
        Assert.True(ConsistencyLevel.TryParse(level.ToString(), out var again, out _));
        Assert.Equal(level, again);
    }

    [Fact]
    public void Factories_MatchTheParsedLevels()
    {
        Assert.Equal(ConsistencyKind.Strong, ConsistencyLevel.Strong.Kind);
        Assert.Equal(ConsistencyKind.Eventual, ConsistencyLevel.Eventual.Kind);
        Assert.Equal(ConsistencyKind.ReadYourWrites, ConsistencyLevel.ReadYourWrites.Kind);
        Assert.Equal(new ConsistencyLevel(ConsistencyKind.BoundedStaleness, 2.5), ConsistencyLevel.MaxLag(2.5));
    }
}
