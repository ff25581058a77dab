using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Health;
using Switchyard.Routing.Topology;

namespace Switchyard.Proxy.Backends;

/// <summary>
/// The live active writer: which writer's pool writes (and strong reads) lease from now. In a primary-replica
/// topology it is always the one primary. With several writers it runs <see cref="WriterElection"/> whenever what it
/// decides from may have changed — a monitor check published, a failed connect from client traffic, an operator's
/// switchover, a pending failback coming due — and publishes the result through a volatile field, so the lease path
/// reads one reference and takes no lock unless the active writer looks unhealthy.
/// </summary>
internal sealed class WriterSelector
{
    private readonly TopologyConfig _topology;
    private readonly TimeSpan _retryDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _electing = new();
    private readonly DateTimeOffset?[] _healthySince;
    // Why a writer last failed client traffic (shown while it is out for that).
    private readonly string?[] _lastFailure;
    private volatile BackendPool? _active;
    private string? _override;
    private bool _started;
    private long _failbackDueTicks = long.MaxValue;
    private uint _spread;

    public WriterSelector(IReadOnlyList<BackendPool> writers, TopologyConfig topology, TimeSpan retryDelay, TimeProvider time, ILogger logger)
    {
        Writers = writers;
        _topology = topology;
        _retryDelay = retryDelay;
        _time = time;
        _logger = logger;
        _healthySince = new DateTimeOffset?[writers.Count];
        _lastFailure = new string?[writers.Count];
        Refresh();
    }

    /// <summary>The writers in failover order (configuration order).</summary>
    public IReadOnlyList<BackendPool> Writers { get; }

    /// <summary>More than one writer: failover, spread and the unknown-outcome error apply.</summary>
    public bool HasSeveralWriters => _topology.HasSeveralWriters;

    public TopologyConfig Topology => _topology;

    /// <summary>The active writer's pool; null when no writer is healthy.</summary>
    public BackendPool? Active => _active;

    /// <summary>The writer an operator chose that is still in force (null: none).</summary>
    public string? Override
    {
        get { lock (_electing) return _override; }
    }

    /// <summary>Told of every change of the active writer: from, to (null: none), why.</summary>
    public Action<string?, string?, WriterChange>? Changed { get; set; }

    /// <summary>The pool the next write leases from: the active writer, or with the spread policy the next healthy
    /// writer in rotation. Null when no writer can take writes (<see cref="Unavailability"/> says why).</summary>
    public BackendPool? ForWrite()
    {
        var active = _active;
        if (!HasSeveralWriters)
            return active;
        if (active is null || !IsHealthy(active.Endpoint, out _) || _time.GetUtcNow().UtcTicks >= Volatile.Read(ref _failbackDueTicks))
            active = Refresh();
        if (active is null || _topology.WritePolicy != WritePolicy.Spread)
            return active;
        var start = Interlocked.Increment(ref _spread);
        for (var n = 0; n < Writers.Count; n++)
        {
            var pool = Writers[(int)((start + n) % (uint)Writers.Count)];
            if (IsHealthy(pool.Endpoint, out _))
                return pool;
        }
        return active;
    }

    /// <summary>Client traffic could not connect to <paramref name="writer"/> (or found its pooled connection dead
    /// before sending anything, or lost it mid-statement): it is out at once — the next write goes to the next
    /// healthy writer — until the retry delay has passed and the monitor finds it healthy.</summary>
    public void Failed(BackendEndpoint writer, string reason)
    {
        writer.ConnectionFailed(_retryDelay, reason);
        var index = IndexOf(writer.Name);
        if (index >= 0)
            Volatile.Write(ref _lastFailure[index], reason);
        Refresh();
    }

    /// <summary>Moves writes to <paramref name="name"/> (POST /writer): kept while that writer is healthy, also against
    /// automatic failback. False, with the reason, when there is no such writer or it is not healthy.</summary>
    public bool TrySwitchTo(string name, out string error)
    {
        var index = IndexOf(name);
        if (index < 0)
        {
            error = $"no writer named '{name}' (writers: {string.Join(", ", Writers.Select(w => w.Endpoint.Name))})";
            return false;
        }
        if (!IsHealthy(Writers[index].Endpoint, out var reason))
        {
            error = $"writer '{name}' cannot take writes: {reason}";
            return false;
        }
        lock (_electing)
            _override = name;
        Refresh();
        error = "";
        return true;
    }

    /// <summary>Runs the election on the writers' state now and publishes its result (also called by the monitor
    /// after each check).</summary>
    public BackendPool? Refresh()
    {
        (string? From, string? To, WriterChange Change)? changed = null;
        BackendPool? active;
        lock (_electing)
        {
            var now = _time.GetUtcNow();
            var candidates = new WriterCandidate[Writers.Count];
            for (var i = 0; i < Writers.Count; i++)
            {
                var healthy = IsHealthy(Writers[i].Endpoint, out var reason);
                _healthySince[i] = healthy ? _healthySince[i] ?? now : null;
                candidates[i] = new WriterCandidate(Writers[i].Endpoint.Name, healthy, reason, _healthySince[i]);
            }
            var previous = _active;
            var outcome = HasSeveralWriters
                ? WriterElection.Elect(new ElectionInput(candidates, previous?.Endpoint.Name,
                    _topology.Failback == FailbackMode.Manual ? FailbackPolicy.Manual : FailbackPolicy.Automatic,
                    _topology.FailbackAfter, _override, now, _started))
                // One primary: it is the writer whatever its health (clients then get its own error).
                : new ElectionOutcome(Writers[0].Endpoint.Name, _started ? WriterChange.None : WriterChange.Initial, null, null);
            _started = true;
            _override = outcome.Override;
            Volatile.Write(ref _failbackDueTicks, outcome.FailbackDue?.UtcTicks ?? long.MaxValue);
            active = outcome.Active is { } name ? Writers[IndexOf(name)] : null;
            if (!ReferenceEquals(active, previous) || outcome.Change == WriterChange.Initial)
            {
                _active = active;
                changed = (previous?.Endpoint.Name, active?.Endpoint.Name, outcome.Change);
            }
        }
        if (changed is { } c)
        {
            var why = c.From is { } from ? DescribeOne(from) : "";
            if (c.Change != WriterChange.Initial || c.To is null)
                Log.ActiveWriterChanged(_logger, c.From ?? "none", c.To ?? "none", ToLabel(c.Change), why);
            else if (HasSeveralWriters)
                Log.ActiveWriterElected(_logger, c.To, Writers.Count);
            Changed?.Invoke(c.From, c.To, c.Change);
        }
        return active;
    }

    /// <summary>Whether <paramref name="writer"/> can take writes now, and if not why (words for errors and /status).</summary>
    public bool IsHealthy(BackendEndpoint writer, out string reason)
    {
        if (!writer.IsAvailable)
        {
            var index = IndexOf(writer.Name);
            reason = "a connection from client traffic failed just now" + (index >= 0 && Volatile.Read(ref _lastFailure[index]) is { } failure ? $": {failure}" : "");
            return false;
        }
        switch (writer.Health)
        {
            case null:
            case { State: HealthState.Unknown }:
                // Not checked yet (or no monitor): as far as the proxy knows it can take writes.
                reason = "";
                return true;
            case { State: HealthState.Online, ReadOnly: true }:
                reason = "read_only is ON";
                return false;
            case { State: HealthState.Online }:
                reason = "";
                return true;
            case var health:
                reason = $"{ProxyLabel(health.State)}: {health.Reason}";
                return false;
        }
    }

    /// <summary>The error text when no writer can take writes: every writer and why it is unavailable.</summary>
    public string Unavailability()
    {
        var text = new StringBuilder("Switchyard: no writer can take writes: ");
        for (var i = 0; i < Writers.Count; i++)
        {
            var endpoint = Writers[i].Endpoint;
            if (i > 0)
                text.Append("; ");
            text.Append('\'').Append(endpoint.Name).Append("' (").Append(endpoint.Address).Append(") ");
            text.Append(IsHealthy(endpoint, out var reason) ? "looked healthy but its connect failed" : reason);
        }
        return text.ToString();
    }

    private string DescribeOne(string name)
    {
        var index = IndexOf(name);
        return index >= 0 && !IsHealthy(Writers[index].Endpoint, out var reason) ? reason : "";
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < Writers.Count; i++)
        {
            if (string.Equals(Writers[i].Endpoint.Name, name, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }

    /// <summary>Since when <paramref name="name"/> has been healthy without a break, as last evaluated (null: it is not).</summary>
    public DateTimeOffset? HealthySince(string name)
    {
        var index = IndexOf(name);
        lock (_electing)
            return index >= 0 ? _healthySince[index] : null;
    }

    /// <summary>When a pending automatic failback will happen if the earlier writer stays healthy (null: none pending).</summary>
    public DateTimeOffset? FailbackDue
    {
        get
        {
            var ticks = Volatile.Read(ref _failbackDueTicks);
            return ticks == long.MaxValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    private static string ProxyLabel(HealthState state) => state.ToString().ToLowerInvariant();

    /// <summary>The <c>reason</c> label of the failover counter and log line.</summary>
    public static string ToLabel(WriterChange change) => change switch
    {
        WriterChange.None => "none",
        WriterChange.Initial => "initial",
        WriterChange.Failover => "failover",
        WriterChange.Failback => "failback",
        WriterChange.Switchover => "switchover",
        WriterChange.Lost => "no_writer",
        WriterChange.Recovered => "recovered",
        _ => change.ToString().ToLowerInvariant(),
    };
}
