using Switchyard.Proxy.Consistency;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Tests.Consistency;

public sealed class WriteMarksTests
{
    private const long Window = 5_000;

    private static GtidSet Gtid(string text) => GtidSet.TryParse(text, out var set, out var error) ? set! : throw new ArgumentException(error);

    [Fact]
    public void Combine_TwoGtidMarks_LaterTimestampAndUnion()
    {
        var combined = WriteMarks.Combine(new WriteMark(100, Gtid("0-1-5")), new WriteMark(200, Gtid("1-1-3")), 300, Window);

        Assert.Equal(200, combined!.Value.Timestamp);
        Assert.True(combined.Value.Gtid!.Contains(Gtid("0-1-5,1-1-3")));
    }

    [Fact]
    public void Combine_RecentMarkWithoutGtid_MakesTheResultGtidLess()
    {
        var combined = WriteMarks.Combine(new WriteMark(100, Gtid("0-1-5")), new WriteMark(200, null), 300, Window);

        Assert.Equal(new WriteMark(200, null), combined);
    }

    [Fact]
    public void Combine_MarkWithoutGtidOlderThanTheWindow_IsDropped()
    {
        var gtidMark = new WriteMark(9_000, Gtid("0-1-5"));

        Assert.Equal(gtidMark, WriteMarks.Combine(gtidMark, new WriteMark(100, null), 10_000, Window));
        Assert.Null(WriteMarks.Combine(null, new WriteMark(100, null), 10_000, Window));
    }

    [Fact]
    public void After_AccumulatesGtidsAndAnUnknownGtidMakesTheMarkGtidLess()
    {
        var first = WriteMarks.After(null, 100, Gtid("0-1-5"), Window);
        var second = WriteMarks.After(first, 200, Gtid("2-1-1"), Window);
        var unknown = WriteMarks.After(second, 300, null, Window);
        var afterUnknown = WriteMarks.After(unknown, 400, Gtid("0-1-9"), Window);
        var longAfter = WriteMarks.After(unknown, 300 + Window + 1, Gtid("0-1-9"), Window);

        Assert.True(second.Gtid!.Contains(Gtid("0-1-5,2-1-1")));
        Assert.Equal(new WriteMark(300, null), unknown);
        Assert.Null(afterUnknown.Gtid); // still within the window of the write whose GTID is unknown
        Assert.Equal(Gtid("0-1-9"), longAfter.Gtid);
    }
}
