using Switchyard.Proxy.Statements;

namespace Switchyard.Proxy.Tests.Statements;

public sealed class StatementRegistryTests
{
    private readonly StatementRegistry _registry = new();

    [Fact]
    public void IsOpen_NeverAcquired_IsFalse()
    {
        Assert.False(_registry.IsOpen("SELECT 1"));
        Assert.Equal(0, _registry.Generation);
    }

    [Fact]
    public void Acquire_Once_IsOpenWithoutChangingGeneration()
    {
        _registry.Acquire("SELECT 1");

        Assert.True(_registry.IsOpen("SELECT 1"));
        Assert.False(_registry.IsOpen("SELECT 2"));
        Assert.Equal(0, _registry.Generation);
    }

    [Fact]
    public void Release_LastHolder_ClosesAndBumpsGeneration()
    {
        _registry.Acquire("SELECT 1");

        _registry.Release("SELECT 1");

        Assert.False(_registry.IsOpen("SELECT 1"));
        Assert.Equal(1, _registry.Generation);
    }

    [Fact]
    public void Release_OneOfDuplicates_StaysOpenUntilTheLast()
    {
        _registry.Acquire("SELECT 1");
        _registry.Acquire("SELECT 1");
        _registry.Acquire("SELECT 1");

        _registry.Release("SELECT 1");
        _registry.Release("SELECT 1");
        Assert.True(_registry.IsOpen("SELECT 1"));
        Assert.Equal(0, _registry.Generation);

        _registry.Release("SELECT 1");
        Assert.False(_registry.IsOpen("SELECT 1"));
        Assert.Equal(1, _registry.Generation);
    }

    [Fact]
    public void Release_NotAcquired_ChangesNothing()
    {
        _registry.Acquire("a");

        _registry.Release("b");

        Assert.True(_registry.IsOpen("a"));
        Assert.Equal(0, _registry.Generation);
    }

    [Fact]
    public void Release_MoreThanAcquired_DoesNotGoNegative()
    {
        _registry.Acquire("a");
        _registry.Release("a");
        _registry.Release("a");

        _registry.Acquire("a");

        Assert.True(_registry.IsOpen("a"));
        Assert.Equal(1, _registry.Generation);
        _registry.Release("a");
        Assert.False(_registry.IsOpen("a"));
        Assert.Equal(2, _registry.Generation);
    }

    [Fact]
    public void Release_EachTextClosing_BumpsGenerationOnce()
    {
        foreach (var sql in new[] { "a", "b", "c" })
            _registry.Acquire(sql);

        foreach (var sql in new[] { "a", "b", "c" })
            _registry.Release(sql);

        Assert.Equal(3, _registry.Generation);
    }

    [Fact]
    public async Task AcquireRelease_Concurrent_BalancesToClosed()
    {
        const int perTask = 10_000;
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < perTask; i++)
            {
                _registry.Acquire("shared");
                _registry.Release("shared");
            }
        })).ToArray();
        _registry.Acquire("held");

        await Task.WhenAll(tasks);

        Assert.False(_registry.IsOpen("shared"));
        Assert.True(_registry.IsOpen("held"));
        Assert.InRange(_registry.Generation, 1, 4 * perTask);
    }
}
