using Switchyard.Routing.Conflicts;

namespace Switchyard.Routing.Tests.Conflicts;

public sealed class ConflictResolverTests
{
    private static readonly string[] Nodes = ["writer1", "writer2", "writer3"];
    private static readonly string[] Columns = ["id", "name", "points", "modified", "vclock", "name_at"];

    private static RowVersion Row(string name, string points, string? modified, string? vclock = null, string? nameAt = null) =>
        new(["1", name, points, modified, vclock, nameAt]);

    private static ConflictTable Table(ConflictStrategy strategy, ConflictStrategy fallback = ConflictStrategy.LastWriteWins,
        Dictionary<string, MergeRule>? rules = null, string? timestamp = "modified") => new()
    {
        Schema = "test",
        Table = "t",
        Key = ["id"],
        Strategy = strategy,
        TimestampColumn = timestamp,
        VersionColumn = "vclock",
        Fallback = fallback,
        MergeRules = rules ?? [],
    };

    private static IReadOnlyList<string?> Resolved(Resolution resolution, IReadOnlyList<RowVersion> versions) =>
        resolution.Sources.Select((node, c) => c == 4 && resolution.VersionOverride is { } v ? v : versions[node].Values![c]).ToArray();

    [Fact]
    public void Resolve_LastWriteWins_LatestTimestampWins()
    {
        RowVersion[] versions = [Row("a", "1", "2026-01-01 10:00:00.000000"), Row("b", "2", "2026-01-01 10:00:01.000000")];

        var resolution = ConflictResolver.Resolve(Table(ConflictStrategy.LastWriteWins), Columns, versions, Nodes);

        Assert.Equal(ResolutionKind.Winner, resolution.Kind);
        Assert.Equal(1, resolution.WinningNode);
        Assert.All(resolution.Sources, s => Assert.Equal(1, s));
        Assert.Contains("writer2 has the latest modified", resolution.Reason);
    }

    [Fact]
    public void Resolve_LastWriteWinsTie_EarlierNodeInOrderWins()
    {
        RowVersion[] versions = [Row("a", "1", "2026-01-01 10:00:00.000000"), Row("b", "2", "2026-01-01 10:00:00.000000")];

        var first = ConflictResolver.Resolve(Table(ConflictStrategy.LastWriteWins), Columns, versions, Nodes);
        var reversed = ConflictResolver.Resolve(Table(ConflictStrategy.LastWriteWins), Columns, [versions[1], versions[0]], Nodes);

        Assert.Equal(0, first.WinningNode);
        Assert.Equal(0, reversed.WinningNode);
        Assert.Contains("tied", first.Reason);
    }

    [Fact]
    public void Resolve_LastWriteWinsIntegerEpoch_ComparedAsNumbers()
    {
        RowVersion[] versions = [Row("a", "1", "999"), Row("b", "2", "1000")];

        var resolution = ConflictResolver.Resolve(Table(ConflictStrategy.LastWriteWins), Columns, versions, Nodes);

        Assert.Equal(1, resolution.WinningNode);
    }

    [Fact]
    public void Resolve_LastWriteWinsNullTimestamp_LosesToAnyTime()
    {
        RowVersion[] versions = [Row("a", "1", null), Row("b", "2", "2000-01-01 00:00:00.000000")];

        Assert.Equal(1, ConflictResolver.Resolve(Table(ConflictStrategy.LastWriteWins), Columns, versions, Nodes).WinningNode);
    }

    [Fact]
    public void Resolve_RowMissingOnANode_TheExistingRowWins()
    {
        RowVersion[] versions = [RowVersion.Absent, Row("b", "2", "2000-01-01 00:00:00.000000")];

        foreach (var strategy in new[] { ConflictStrategy.LastWriteWins, ConflictStrategy.VectorClock, ConflictStrategy.Merge })
        {
            var resolution = ConflictResolver.Resolve(Table(strategy, rules: new() { ["points"] = new MergeRule(MergeRuleKind.Max) }), Columns, versions, Nodes);
            Assert.All(resolution.Sources, s => Assert.Equal(1, s));
        }
    }

    [Fact]
    public void Resolve_ReportOnly_ResolvesNothing()
    {
        var resolution = ConflictResolver.Resolve(Table(ConflictStrategy.ReportOnly), Columns, [Row("a", "1", "x"), Row("b", "2", "y")], Nodes);

        Assert.Equal(ResolutionKind.Reported, resolution.Kind);
        Assert.Empty(resolution.Sources);
    }

    [Fact]
    public void Resolve_VectorClockDominating_WinsEvenWithAnOlderTimestamp()
    {
        RowVersion[] versions = [Row("a", "1", "2026-01-01 10:00:09.000000", """{"11": 2, "12": 1}"""), Row("b", "2", "2026-01-01 10:00:00.000000", """{"11": 1, "12": 1}""")];

        var resolution = ConflictResolver.Resolve(Table(ConflictStrategy.VectorClock), Columns, versions, Nodes);

        Assert.Equal(ResolutionKind.Winner, resolution.Kind);
        Assert.Equal(0, resolution.WinningNode);
        Assert.False(resolution.Concurrent);
        Assert.Null(resolution.VersionOverride);
    }

    [Fact]
    public void Resolve_VectorClockConcurrent_FallbackLastWriteWinsFlaggedWithMergedVector()
    {
        RowVersion[] versions = [Row("a", "1", "2026-01-01 10:00:00.000000", """{"11": 2, "12": 1}"""), Row("b", "2", "2026-01-01 10:00:05.000000", """{"11": 1, "12": 2}""")];

        var resolution = ConflictResolver.Resolve(Table(ConflictStrategy.VectorClock), Columns, versions, Nodes);

        Assert.True(resolution.Concurrent);
        Assert.Equal(1, resolution.WinningNode);
        Assert.Equal("""{"11": 2, "12": 2}""", resolution.VersionOverride);
        Assert.Equal(["1", "b", "2", "2026-01-01 10:00:05.000000", """{"11": 2, "12": 2}""", null], Resolved(resolution, versions));
    }

    [Fact]
    public void Resolve_VectorClockEqualVectorsDifferentRows_IsConcurrent()
    {
        RowVersion[] versions = [Row("a", "1", "2026-01-01 10:00:00.000000", """{"11": 1}"""), Row("b", "2", "2026-01-01 10:00:05.000000", """{"11": 1}""")];

        var resolution = ConflictResolver.Resolve(Table(ConflictStrategy.VectorClock), Columns, versions, Nodes);

        Assert.True(resolution.Concurrent);
    }

    [Fact]
    public void Resolve_VectorClockConcurrentWithMergeFallback_MergesFieldByField()
    {
        RowVersion[] versions = [Row("a", "7", "2026-01-01 10:00:00.000000", """{"11": 2}"""), Row("b", "3", "2026-01-01 10:00:05.000000", """{"12": 1}""")];
        var table = Table(ConflictStrategy.VectorClock, ConflictStrategy.Merge, new() { ["points"] = new MergeRule(MergeRuleKind.Max) });

        var resolution = ConflictResolver.Resolve(table, Columns, versions, Nodes);

        Assert.True(resolution.Concurrent);
        Assert.Equal(ResolutionKind.Merged, resolution.Kind);
        Assert.Equal(["1", "b", "7", "2026-01-01 10:00:05.000000", """{"11": 2, "12": 1}""", null], Resolved(resolution, versions));
    }

    [Fact]
    public void Resolve_MergeWithPerFieldTimestamps_EachFieldTakesItsLatestValue()
    {
        // writer1 changed the name last, writer2 the row (its points) last.
        RowVersion[] versions =
        [
            Row("new-name", "1", "2026-01-01 10:00:00.000000", nameAt: "2026-01-01 10:00:00.000000"),
            Row("old-name", "50", "2026-01-01 10:00:05.000000", nameAt: "2025-12-31 09:00:00.000000"),
        ];
        var table = Table(ConflictStrategy.Merge, rules: new() { ["name"] = new MergeRule(MergeRuleKind.Latest, "name_at") });

        var resolution = ConflictResolver.Resolve(table, Columns, versions, Nodes);

        Assert.Equal(ResolutionKind.Merged, resolution.Kind);
        Assert.Equal(["1", "new-name", "50", "2026-01-01 10:00:05.000000", null, "2026-01-01 10:00:00.000000"], Resolved(resolution, versions));
    }

    [Fact]
    public void Resolve_MergeRules_MinMaxAndPreferNode()
    {
        RowVersion[] versions = [Row("one", "10", "1"), Row("two", "5", "2"), Row("three", "20", "3")];
        var table = Table(ConflictStrategy.Merge, timestamp: null, rules: new()
        {
            ["name"] = new MergeRule(MergeRuleKind.PreferNode, "writer2"),
            ["points"] = new MergeRule(MergeRuleKind.Min),
            ["modified"] = new MergeRule(MergeRuleKind.Max),
        });

        var resolution = ConflictResolver.Resolve(table, Columns, versions, Nodes);

        Assert.Equal(["1", "two", "5", "3", null, null], Resolved(resolution, versions));
    }

    [Fact]
    public void Resolve_MergePreferredNodeWithoutTheRow_FallsBackToTheRowsLastWrite()
    {
        RowVersion[] versions = [Row("one", "10", "1"), RowVersion.Absent, Row("three", "20", "3")];
        var table = Table(ConflictStrategy.Merge, rules: new() { ["name"] = new MergeRule(MergeRuleKind.PreferNode, "writer2") });

        var resolution = ConflictResolver.Resolve(table, Columns, versions, Nodes);

        Assert.Equal("three", Resolved(resolution, versions)[1]);
    }
}
