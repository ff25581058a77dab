using Switchyard.Routing.Conflicts;

namespace Switchyard.Routing.Tests.Conflicts;

public sealed class RowDiffTests
{
    private static Dictionary<string, RowVersion> Rows(params (string Key, string? Value)[] rows) =>
        rows.ToDictionary(r => r.Key, r => new RowVersion([r.Key, r.Value]));

    [Fact]
    public void Diverged_DifferentValuesAndMissingRows_InKeyOrder()
    {
        var first = Rows(("1", "a"), ("2", "b"), ("3", "c"));
        var second = Rows(("1", "a"), ("2", "B"), ("4", "d"));

        var diverged = RowDiff.Diverged([first, second]);

        Assert.Equal(["2", "3", "4"], diverged.Select(d => d.Key));
        Assert.False(diverged[1].Versions[1].Exists);
        Assert.False(diverged[2].Versions[0].Exists);
        Assert.Equal("B", diverged[0].Versions[1].Values![1]);
    }

    [Fact]
    public void Diverged_NullAndEmptyString_AreDifferent()
    {
        var diverged = RowDiff.Diverged([Rows(("1", null)), Rows(("1", ""))]);

        Assert.Single(diverged);
    }

    [Fact]
    public void Diverged_IdenticalNodes_Nothing()
    {
        Assert.Empty(RowDiff.Diverged([Rows(("1", "a")), Rows(("1", "a")), Rows(("1", "a"))]));
    }
}
