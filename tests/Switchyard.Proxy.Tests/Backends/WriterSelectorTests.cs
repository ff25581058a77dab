using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Tests.Support;
using Switchyard.Routing.Health;
using Switchyard.Routing.Topology;

namespace Switchyard.Proxy.Tests.Backends;

/// <summary>The live active writer over real (never leased) pools, health set by hand as the monitor would, and a
/// manual clock for the failback delay.</summary>
public sealed class WriterSelectorTests : IAsyncLifetime
{
    private readonly BackendConnector _connector = new(new BackendCredentials("switchyard", "secret"), new BackendTimeouts(), NullLogger.Instance);
    private readonly List<BackendPool> _pools = [];
    private readonly ManualClock _clock = new();
    private readonly List<(string? From, string? To, WriterChange Change)> _changes = [];

    private static readonly TopologyConfig MultiPrimary = new() { Kind = TopologyKind.MultiPrimary, FailbackAfter = TimeSpan.FromSeconds(30) };

    private WriterSelector Selector(TopologyConfig topology, int writers = 2)
    {
        for (var i = 1; i <= writers; i++)
        {
            var endpoint = new BackendEndpoint(new BackendConfig { Name = $"w{i}", Host = "127.0.0.1", Port = 4400 + i, Role = BackendRole.Primary });
            _pools.Add(new BackendPool(endpoint, _connector, new PoolConfig(), NullLogger.Instance));
        }
        var selector = new WriterSelector(_pools, topology, TimeSpan.FromSeconds(2), _clock, NullLogger.Instance);
        selector.Changed = (from, to, change) => _changes.Add((from, to, change));
        return selector;
    }

    private void SetHealth(int writer, HealthState state, bool readOnly = false) =>
        _pools[writer - 1].Endpoint.Health = new BackendHealth(state, state == HealthState.Online ? "" : "unreachable", null, null, null, null, _clock.GetUtcNow()) { ReadOnly = readOnly };

    [Fact]
    public void ForWrite_AllHealthy_TheFirstWriter()
    {
        var selector = Selector(MultiPrimary);

        Assert.Same(_pools[0], selector.ForWrite());
    }

    [Fact]
    public void ForWrite_ActiveDownByTheMonitor_NextWriterAtOnceAndOneFailoverReported()
    {
        var selector = Selector(MultiPrimary);
        SetHealth(1, HealthState.Online);
        SetHealth(2, HealthState.Online);
        selector.Refresh();

        SetHealth(1, HealthState.Down);
        selector.Refresh();

        Assert.Same(_pools[1], selector.ForWrite());
        Assert.Equal([("w1", "w2", WriterChange.Failover)], _changes);
    }

    [Fact]
    public void Failed_ConnectFailureFromTraffic_MovesWritesBeforeTheMonitorNotices()
    {
        var selector = Selector(MultiPrimary);

        selector.Failed(_pools[0].Endpoint, "Connection refused");

        Assert.Same(_pools[1], selector.ForWrite());
        Assert.False(selector.IsHealthy(_pools[0].Endpoint, out var reason));
        Assert.Contains("Connection refused", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ForWrite_ReadOnlyWriter_IsSkipped()
    {
        var selector = Selector(MultiPrimary);
        SetHealth(1, HealthState.Online, readOnly: true);
        SetHealth(2, HealthState.Online);

        Assert.Same(_pools[1], selector.ForWrite());
    }

    [Fact]
    public void ForWrite_AllDown_NullAndTheErrorNamesEveryWriterAndWhy()
    {
        var selector = Selector(MultiPrimary);
        SetHealth(1, HealthState.Down);
        selector.Failed(_pools[1].Endpoint, "Connection refused");

        Assert.Null(selector.ForWrite());
        var text = selector.Unavailability();
        Assert.Contains("'w1' (127.0.0.1:4401) down: unreachable", text, StringComparison.Ordinal);
        Assert.Contains("'w2' (127.0.0.1:4402) a connection from client traffic failed just now: Connection refused", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ForWrite_AutomaticFailback_OnlyAfterFailbackAfterOfUnbrokenHealth()
    {
        var selector = Selector(MultiPrimary);
        SetHealth(1, HealthState.Down);
        SetHealth(2, HealthState.Online);
        selector.Refresh();
        Assert.Same(_pools[1], selector.ForWrite());

        SetHealth(1, HealthState.Online);
        selector.Refresh();
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(_pools[1], selector.ForWrite());
        // A blip restarts the delay.
        SetHealth(1, HealthState.Down);
        selector.Refresh();
        SetHealth(1, HealthState.Online);
        selector.Refresh();
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(_pools[1], selector.ForWrite());
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(1), selector.FailbackDue);

        _clock.Advance(TimeSpan.FromSeconds(1));

        // Due: the lease itself notices, without waiting for a monitor check.
        Assert.Same(_pools[0], selector.ForWrite());
        Assert.Equal(("w2", "w1", WriterChange.Failback), _changes[^1]);
    }

    [Fact]
    public void ForWrite_ManualFailback_StaysUntilSwitchedBack()
    {
        var selector = Selector(MultiPrimary with { Failback = FailbackMode.Manual });
        SetHealth(1, HealthState.Down);
        selector.Refresh();
        SetHealth(1, HealthState.Online);
        selector.Refresh();
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Same(_pools[1], selector.ForWrite());
        Assert.True(selector.TrySwitchTo("w1", out _));
        Assert.Same(_pools[0], selector.ForWrite());
        Assert.Equal(("w2", "w1", WriterChange.Switchover), _changes[^1]);
    }

    [Fact]
    public void TrySwitchTo_UnhealthyOrUnknownWriter_RefusedWithTheReason()
    {
        var selector = Selector(MultiPrimary);
        SetHealth(2, HealthState.Down);

        Assert.False(selector.TrySwitchTo("w2", out var unhealthy));
        Assert.False(selector.TrySwitchTo("w9", out var unknown));

        Assert.Equal("writer 'w2' cannot take writes: down: unreachable", unhealthy);
        Assert.Equal("no writer named 'w9' (writers: w1, w2)", unknown);
        Assert.Same(_pools[0], selector.ForWrite());
    }

    [Fact]
    public void TrySwitchTo_InAutomaticMode_HoldsAgainstFailbackUntilThatWriterFails()
    {
        var selector = Selector(MultiPrimary);
        Assert.True(selector.TrySwitchTo("w2", out _));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Same(_pools[1], selector.ForWrite());

        SetHealth(2, HealthState.Down);
        selector.Refresh();

        Assert.Same(_pools[0], selector.ForWrite());
        Assert.Null(selector.Override);
    }

    [Fact]
    public void ForWrite_Spread_RoundRobinOverHealthyWritersOnly()
    {
        var selector = Selector(MultiPrimary with { WritePolicy = WritePolicy.Spread }, writers: 3);
        var all = Enumerable.Range(0, 6).Select(_ => selector.ForWrite()!.Endpoint.Name).CountBy(n => n).ToDictionary();
        SetHealth(2, HealthState.Down);
        selector.Refresh();
        var healthy = Enumerable.Range(0, 6).Select(_ => selector.ForWrite()!.Endpoint.Name).Distinct().Order();

        Assert.Equal(new Dictionary<string, int> { ["w1"] = 2, ["w2"] = 2, ["w3"] = 2 }, all);
        Assert.Equal(["w1", "w3"], healthy);
    }

    [Fact]
    public void ForWrite_PrimaryReplica_AlwaysThePrimaryWhateverItsHealth()
    {
        var selector = Selector(new TopologyConfig(), writers: 1);
        SetHealth(1, HealthState.Down);
        selector.Refresh();

        Assert.Same(_pools[0], selector.ForWrite());
        Assert.Empty(_changes);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var pool in _pools)
            await pool.DisposeAsync();
    }
}
