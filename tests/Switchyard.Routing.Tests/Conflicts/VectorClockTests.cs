using Switchyard.Routing.Conflicts;

namespace Switchyard.Routing.Tests.Conflicts;

public sealed class VectorClockTests
{
    [Theory]
    [InlineData("""{"1": 1, "2": 3}""", """{"1": 1, "2": 3}""", "Equal")]
    [InlineData("""{"1": 2, "2": 3}""", """{"1": 1, "2": 3}""", "Dominates")]
    [InlineData("""{"1": 1}""", """{"1": 1, "2": 1}""", "Dominated")]
    [InlineData("""{"1": 2, "2": 0}""", """{"1": 1, "2": 1}""", "Concurrent")]
    [InlineData("""{"1": 1}""", """{"2": 1}""", "Concurrent")]
    [InlineData("""{"1": 1}""", null, "Dominates")]
    [InlineData("not json", """{"1": 1}""", "Dominated")]
    [InlineData("""{"1": "4"}""", """{"1": 3}""", "Dominates")]
    public void Compare_NodeByNode(string? a, string? b, string expected)
    {
        Assert.Equal(Enum.Parse<VectorOrder>(expected), VectorClock.Compare(VectorClock.Parse(a), VectorClock.Parse(b)));
    }

    [Fact]
    public void Merge_TakesTheMaximumPerNode_InNodeOrder()
    {
        var merged = VectorClock.Merge([VectorClock.Parse("""{"12": 1, "11": 4}"""), VectorClock.Parse("""{"12": 3, "13": 1}""")]);

        Assert.Equal("""{"11": 4, "12": 3, "13": 1}""", merged);
    }

    [Fact]
    public void Merge_DominatesEveryInput()
    {
        var inputs = new[] { VectorClock.Parse("""{"a": 2, "b": 0}"""), VectorClock.Parse("""{"a": 1, "b": 5}""") };

        var merged = VectorClock.Parse(VectorClock.Merge(inputs));

        Assert.All(inputs, input => Assert.Equal(VectorOrder.Dominates, VectorClock.Compare(merged, input)));
    }
}
