using Switchyard.Routing.Conflicts;

namespace Switchyard.Routing.Tests.Conflicts;

public sealed class ChunkPlannerTests
{
    [Fact]
    public void Boundaries_EveryChunkSizeThKey_FirstRangeHoldsTheFirstChunk()
    {
        var boundaries = ChunkPlanner.Boundaries(Enumerable.Range(1, 10), 4);

        // Ranges: (-inf, 5), [5, 9), [9, +inf) — 4, 4 and 2 keys.
        Assert.Equal([5, 9], boundaries);
    }

    [Theory]
    [InlineData(0, 3, 0)]
    [InlineData(3, 3, 0)]
    [InlineData(4, 3, 1)]
    [InlineData(1, 1, 0)]
    [InlineData(2, 1, 1)]
    public void Boundaries_Count_IsOneLessThanTheChunks(int keys, int chunkSize, int expected)
    {
        Assert.Equal(expected, ChunkPlanner.Boundaries(Enumerable.Range(0, keys), chunkSize).Count);
    }

    [Fact]
    public void Boundaries_ZeroChunkSize_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPlanner.Boundaries(new[] { 1 }, 0));
    }

    [Fact]
    public void Differing_RangesWithAnyDifferentCountOrChecksum()
    {
        IReadOnlyList<ChunkChecksum>[] perNode =
        [
            [new(10, 111), new(10, 222), new(3, 333), new(0, 0)],
            [new(10, 111), new(10, 999), new(4, 333), new(0, 0)],
            [new(10, 111), new(10, 222), new(3, 333), new(1, 5)],
        ];

        Assert.Equal([1, 2, 3], ChunkPlanner.Differing(perNode));
    }

    [Fact]
    public void Differing_IdenticalNodes_None()
    {
        IReadOnlyList<ChunkChecksum>[] perNode = [[new(10, 1), new(2, 2)], [new(10, 1), new(2, 2)]];

        Assert.Empty(ChunkPlanner.Differing(perNode));
    }

    [Fact]
    public void Differing_NodesWithDifferentRangeCounts_Throws()
    {
        IReadOnlyList<ChunkChecksum>[] perNode = [[new(1, 1)], [new(1, 1), new(1, 1)]];

        Assert.Throws<ArgumentException>(() => ChunkPlanner.Differing(perNode));
    }
}
