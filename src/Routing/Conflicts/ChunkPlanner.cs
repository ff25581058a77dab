namespace Switchyard.Routing.Conflicts;

/// <summary>
/// Plans the range comparison: key boundaries that cut one node's ordered keys into chunks of a given size, and which
/// chunks differ once every node has summarised each range. With boundaries b1..bk the ranges are
/// (-inf, b1), [b1, b2), …, [bk, +inf): every key any node has falls in exactly one, also keys only other nodes have.
/// </summary>
internal static class ChunkPlanner
{
    /// <summary>Every <paramref name="chunkSize"/>-th key of <paramref name="orderedKeys"/>, starting with the
    /// <paramref name="chunkSize"/>-th (index chunkSize), so the first range holds the first chunk.</summary>
    public static List<T> Boundaries<T>(IEnumerable<T> orderedKeys, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var boundaries = new List<T>();
        var index = 0;
        foreach (var key in orderedKeys)
        {
            if (index > 0 && index % chunkSize == 0)
                boundaries.Add(key);
            index++;
        }
        return boundaries;
    }

    /// <summary>The indexes of the ranges whose summaries are not the same on every node. <paramref name="perNode"/>
    /// holds, per node, one summary per range (boundaries + 1 of them).</summary>
    public static List<int> Differing(IReadOnlyList<IReadOnlyList<ChunkChecksum>> perNode)
    {
        if (perNode.Count == 0)
            return [];
        var ranges = perNode[0].Count;
        if (perNode.Any(n => n.Count != ranges))
            throw new ArgumentException("every node must summarise the same ranges", nameof(perNode));
        var differing = new List<int>();
        for (var r = 0; r < ranges; r++)
        {
            if (perNode.Any(n => n[r] != perNode[0][r]))
                differing.Add(r);
        }
        return differing;
    }
}
