using Switchyard.Proxy.Statements;

namespace Switchyard.Proxy.Tests.Statements;

public sealed class BackendStatementCacheTests
{
    private readonly BackendStatementCache _cache = new();
    private readonly List<uint> _toClose = [];

    [Fact]
    public void TryGet_Empty_ReturnsFalse()
    {
        Assert.False(_cache.TryGet("SELECT 1", out _));
    }

    [Fact]
    public void Add_NewText_IsFoundWithIdAndParameters()
    {
        var added = _cache.Add("SELECT ?", 7, 1, capacity: 4, _toClose);

        Assert.True(_cache.TryGet("SELECT ?", out var found));
        Assert.Same(added, found);
        Assert.Equal(7u, found.Id);
        Assert.Equal((ushort)1, found.ParameterCount);
        Assert.Equal(1, _cache.Count);
        Assert.Empty(_toClose);
    }

    [Fact]
    public void TryGet_TextDiffersInCase_IsNotFound()
    {
        _cache.Add("SELECT a FROM t", 1, 0, capacity: 4, _toClose);

        Assert.False(_cache.TryGet("select a from t", out _));
    }

    [Fact]
    public void Add_SameTextAgain_ClosesTheOldIdAndKeepsTheNew()
    {
        _cache.Add("SELECT 1", 1, 0, capacity: 4, _toClose);

        _cache.Add("SELECT 1", 2, 0, capacity: 4, _toClose);

        Assert.Equal([1u], _toClose);
        Assert.Equal(1, _cache.Count);
        Assert.True(_cache.TryGet("SELECT 1", out var found));
        Assert.Equal(2u, found.Id);
    }

    [Fact]
    public void Add_SameTextAtCapacity_ReplacesWithoutEvictingAnother()
    {
        _cache.Add("a", 1, 0, capacity: 2, _toClose);
        _cache.Add("b", 2, 0, capacity: 2, _toClose);

        _cache.Add("a", 3, 0, capacity: 2, _toClose);

        Assert.Equal([1u], _toClose);
        Assert.True(_cache.TryGet("b", out _));
        Assert.Equal(2, _cache.Count);
    }

    [Fact]
    public void Add_BeyondCapacity_ClosesTheLeastRecentlyAdded()
    {
        _cache.Add("a", 1, 0, capacity: 3, _toClose);
        _cache.Add("b", 2, 0, capacity: 3, _toClose);
        _cache.Add("c", 3, 0, capacity: 3, _toClose);

        _cache.Add("d", 4, 0, capacity: 3, _toClose);

        Assert.Equal([1u], _toClose);
        Assert.False(_cache.TryGet("a", out _));
        Assert.Equal(3, _cache.Count);
    }

    [Fact]
    public void Add_BeyondCapacity_ClosesTheLeastRecentlyUsedNotTheOldest()
    {
        _cache.Add("a", 1, 0, capacity: 3, _toClose);
        _cache.Add("b", 2, 0, capacity: 3, _toClose);
        _cache.Add("c", 3, 0, capacity: 3, _toClose);
        Assert.True(_cache.TryGet("a", out _));

        _cache.Add("d", 4, 0, capacity: 3, _toClose);
        _cache.Add("e", 5, 0, capacity: 3, _toClose);

        Assert.Equal([2u, 3u], _toClose);
        Assert.True(_cache.TryGet("a", out _));
        Assert.True(_cache.TryGet("d", out _));
        Assert.True(_cache.TryGet("e", out _));
    }

    [Fact]
    public void Add_CapacityLowered_EvictsDownToIt()
    {
        for (uint i = 1; i <= 4; i++)
            _cache.Add($"q{i}", i, 0, capacity: 10, _toClose);

        _cache.Add("q5", 5, 0, capacity: 2, _toClose);

        Assert.Equal([1u, 2u, 3u], _toClose);
        Assert.Equal(2, _cache.Count);
    }

    [Fact]
    public void Add_CapacityZero_IsUnbounded()
    {
        for (uint i = 1; i <= 100; i++)
            _cache.Add($"q{i}", i, 0, capacity: 0, _toClose);

        Assert.Equal(100, _cache.Count);
        Assert.Empty(_toClose);
    }

    [Fact]
    public void Remove_Known_ClosesItsId()
    {
        _cache.Add("a", 1, 0, capacity: 4, _toClose);
        _cache.Add("b", 2, 0, capacity: 4, _toClose);

        _cache.Remove("a", _toClose);

        Assert.Equal([1u], _toClose);
        Assert.False(_cache.TryGet("a", out _));
        Assert.True(_cache.TryGet("b", out _));
    }

    [Fact]
    public void Remove_Unknown_ClosesNothing()
    {
        _cache.Add("a", 1, 0, capacity: 4, _toClose);

        _cache.Remove("b", _toClose);

        Assert.Empty(_toClose);
        Assert.Equal(1, _cache.Count);
    }

    [Fact]
    public void Clear_ForgetsEverythingWithoutClosing()
    {
        _cache.Add("a", 1, 0, capacity: 4, _toClose);
        _cache.Add("b", 2, 0, capacity: 4, _toClose);

        _cache.Clear();

        Assert.Equal(0, _cache.Count);
        Assert.False(_cache.TryGet("a", out _));
        Assert.Empty(_toClose);
    }

    [Fact]
    public void CollectUnused_TextsWhoseCountDroppedToZero_ClosesExactlyThose()
    {
        var registry = new StatementRegistry();
        foreach (var sql in new[] { "a", "a", "b", "c" })
            registry.Acquire(sql);
        _cache.Add("a", 1, 0, capacity: 8, _toClose);
        _cache.Add("b", 2, 0, capacity: 8, _toClose);
        _cache.Add("c", 3, 0, capacity: 8, _toClose);
        registry.Release("a"); // one of two: still held
        registry.Release("c");

        _cache.CollectUnused(registry, _toClose);

        Assert.Equal([3u], _toClose);
        Assert.True(_cache.TryGet("a", out _));
        Assert.True(_cache.TryGet("b", out _));
        Assert.False(_cache.TryGet("c", out _));
    }

    [Fact]
    public void CollectUnused_GenerationUnchanged_DoesNotScan()
    {
        var registry = new StatementRegistry();
        // Cached but never held by a client: a scan would close it, so closing nothing proves there was none.
        _cache.Add("orphan", 1, 0, capacity: 8, _toClose);

        _cache.CollectUnused(registry, _toClose);

        Assert.Empty(_toClose);
        Assert.True(_cache.TryGet("orphan", out _));
    }

    [Fact]
    public void CollectUnused_SecondCallWithoutRelease_DoesNotScanAgain()
    {
        var registry = new StatementRegistry();
        registry.Acquire("a");
        registry.Release("a");
        _cache.CollectUnused(registry, _toClose); // empty cache: only remembers the generation
        _cache.Add("a", 1, 0, capacity: 8, _toClose);

        _cache.CollectUnused(registry, _toClose);

        Assert.Empty(_toClose);
        Assert.Equal(1, _cache.Count);
    }

    [Fact]
    public void CollectUnused_AfterLaterRelease_ClosesIt()
    {
        var registry = new StatementRegistry();
        registry.Acquire("a");
        registry.Acquire("b");
        _cache.Add("a", 1, 0, capacity: 8, _toClose);
        _cache.Add("b", 2, 0, capacity: 8, _toClose);
        registry.Release("a");
        _cache.CollectUnused(registry, _toClose);
        _toClose.Clear();

        registry.Release("b");
        _cache.CollectUnused(registry, _toClose);

        Assert.Equal([2u], _toClose);
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void CollectUnused_TextReacquiredBeforeCollect_KeepsIt()
    {
        var registry = new StatementRegistry();
        registry.Acquire("a");
        _cache.Add("a", 1, 0, capacity: 8, _toClose);
        registry.Release("a");
        registry.Acquire("a");

        _cache.CollectUnused(registry, _toClose);

        Assert.Empty(_toClose);
        Assert.True(_cache.TryGet("a", out _));
    }

    // ---- Lookups by client statement: remembered where found, never stale ----------------------------------

    private static ClientStatement Client(string sql) => new(1, sql, schema: null, default, parameterCount: 0);

    [Fact]
    public void TryGetClient_FindsTheStatementOfItsTextAndAgainWhenAsked()
    {
        var added = _cache.Add(ClientStatement.KeyFor(null, "SELECT ?"), 7, 1, capacity: 4, _toClose);
        var client = Client("SELECT ?");

        Assert.True(_cache.TryGet(client, out var first));
        Assert.True(_cache.TryGet(client, out var second));
        Assert.Same(added, first);
        Assert.Same(added, second);
        Assert.False(_cache.TryGet(Client("SELECT 1"), out _));
    }

    [Fact]
    public void TryGetClient_AskedAgain_IsAnsweredWithoutLookingUpItsTextUntilTheCacheChanges()
    {
        var client = Client("a");
        _cache.Add(client.CacheKey, 1, 0, capacity: 4, _toClose);
        _cache.Add(ClientStatement.KeyFor(null, "b"), 2, 0, capacity: 4, _toClose);

        for (var i = 0; i < 3; i++)
            Assert.True(_cache.TryGet(client, out _));
        Assert.Equal(1, _cache.TextLookups);

        _cache.Remove(ClientStatement.KeyFor(null, "b"), _toClose);
        Assert.True(_cache.TryGet(client, out _));
        Assert.True(_cache.TryGet(client, out _));
        Assert.Equal(2, _cache.TextLookups);
    }

    /// <summary>A client statement whose backend statement (id 1) was added with <paramref name="capacity"/> and found
    /// once, so that it is remembered.</summary>
    private ClientStatement FoundOnce(string sql, int capacity = 4)
    {
        var client = Client(sql);
        _cache.Add(client.CacheKey, 1, 0, capacity, _toClose);
        Assert.True(_cache.TryGet(client, out _));
        return client;
    }

    [Fact]
    public void TryGetClient_AfterItsStatementWasRemoved_IsNotFound()
    {
        var client = FoundOnce("SELECT ?");

        _cache.Remove(client.CacheKey, _toClose);

        Assert.False(_cache.TryGet(client, out _));
    }

    [Fact]
    public void TryGetClient_AfterTheServerForgotEveryStatement_IsNotFound()
    {
        var client = FoundOnce("SELECT ?");

        _cache.Clear();

        Assert.False(_cache.TryGet(client, out _));
    }

    [Fact]
    public void TryGetClient_AfterItsStatementWasEvicted_IsNotFound()
    {
        var client = FoundOnce("a", capacity: 1);

        _cache.Add(ClientStatement.KeyFor(null, "b"), 2, 0, capacity: 1, _toClose);

        Assert.Equal([1u], _toClose);
        Assert.False(_cache.TryGet(client, out _));
    }

    [Fact]
    public void TryGetClient_AfterItsStatementWasPreparedAgain_FindsTheNewOne()
    {
        var client = FoundOnce("a");

        _cache.Add(client.CacheKey, 2, 0, capacity: 4, _toClose);

        Assert.True(_cache.TryGet(client, out var found));
        Assert.Equal(2u, found.Id);
    }

    [Fact]
    public void TryGetClient_OnTwoConnectionsInTurn_FindsEachConnectionsOwnStatement()
    {
        var other = new BackendStatementCache();
        var key = ClientStatement.KeyFor(null, "a");
        _cache.Add(key, 1, 0, capacity: 4, _toClose);
        other.Add(key, 2, 0, capacity: 4, _toClose);
        var third = new BackendStatementCache();
        third.Add(ClientStatement.KeyFor(null, "b"), 3, 0, capacity: 4, _toClose); // the same version as the others
        var client = Client("a");

        for (var i = 0; i < 3; i++)
        {
            Assert.True(_cache.TryGet(client, out var here));
            Assert.True(other.TryGet(client, out var there));
            Assert.Equal(1u, here.Id);
            Assert.Equal(2u, there.Id);
            Assert.False(third.TryGet(client, out _));
        }
    }

    [Fact]
    public void TryGetClient_FoundWhereItWasLastFound_CountsAsRecentUse()
    {
        var a = Client("a");
        var b = Client("b");
        var c = Client("c");
        _cache.Add(a.CacheKey, 1, 0, capacity: 3, _toClose);
        _cache.Add(b.CacheKey, 2, 0, capacity: 3, _toClose);
        _cache.Add(c.CacheKey, 3, 0, capacity: 3, _toClose);
        Assert.True(_cache.TryGet(a, out _));
        Assert.True(_cache.TryGet(b, out _));
        Assert.True(_cache.TryGet(c, out _));

        Assert.True(_cache.TryGet(a, out _)); // remembered: a is now the most recent, b the least
        _cache.Add(ClientStatement.KeyFor(null, "d"), 4, 0, capacity: 3, _toClose);

        Assert.Equal([2u], _toClose);
        Assert.True(_cache.TryGet(a.CacheKey, out _));
    }
}
