using Switchyard.Proxy.Backends;

namespace Switchyard.Proxy.Tests.Backends;

public sealed class IdleConnectionsTests
{
    private sealed record Connection(string Name);

    private static (IdleConnections<Connection> Idle, Connection[] Pushed) Filled(params string[] names)
    {
        var idle = new IdleConnections<Connection>();
        var pushed = names.Select(n => new Connection(n)).ToArray();
        foreach (var connection in pushed)
            idle.Push(connection);
        return (idle, pushed);
    }

    private static List<string> TakeAll(IdleConnections<Connection> idle)
    {
        var taken = new List<string>();
        while (idle.TryTake(null, out var connection))
            taken.Add(connection.Name);
        return taken;
    }

    [Fact]
    public void WithoutAPreferenceTheMostRecentlyReturnedConnectionComesFirst()
    {
        var (idle, _) = Filled("a", "b", "c");

        Assert.Equal(["c", "b", "a"], TakeAll(idle));
        Assert.Equal(0, idle.Count);
    }

    [Fact]
    public void APreferredConnectionIsTakenWhereverItIsAndTheOthersKeepTheirOrder()
    {
        var (idle, pushed) = Filled("a", "b", "c", "d");

        Assert.True(idle.TryTake(pushed[0], out var first));
        Assert.Same(pushed[0], first);
        Assert.True(idle.TryTake(pushed[2], out var second));
        Assert.Same(pushed[2], second);
        Assert.Equal(["d", "b"], TakeAll(idle));
    }

    [Fact]
    public void APreferredConnectionThatIsNotIdleGivesTheMostRecentOne()
    {
        var (idle, _) = Filled("a", "b");

        // Equal to the idle "a" but another connection: the session's own connection is not here.
        Assert.True(idle.TryTake(new Connection("a"), out var taken));
        Assert.Equal("b", taken!.Name);
        Assert.True(idle.TryTake(new Connection("x"), out taken));
        Assert.Equal("a", taken!.Name);
        Assert.False(idle.TryTake(new Connection("a"), out taken));
        Assert.Null(taken);
    }

    [Fact]
    public void RemovingExpiredConnectionsKeepsTheRestInOrder()
    {
        var (idle, _) = Filled("old1", "a", "old2", "b", "old3");
        List<Connection>? removed = null;

        var count = idle.RemoveExpired(c => c.Name.StartsWith("old", StringComparison.Ordinal), ref removed);

        Assert.Equal(3, count);
        Assert.Equal(["old1", "old2", "old3"], removed!.Select(c => c.Name));
        Assert.Equal(2, idle.Count);
        Assert.Equal(["b", "a"], TakeAll(idle));
    }

    [Fact]
    public void RemovingWhenNothingExpiredLeavesTheListAsItWas()
    {
        var (idle, _) = Filled("a", "b");
        List<Connection>? removed = null;

        Assert.Equal(0, idle.RemoveExpired(_ => false, ref removed));
        Assert.Null(removed);
        Assert.Equal(["b", "a"], TakeAll(idle));
    }
}
