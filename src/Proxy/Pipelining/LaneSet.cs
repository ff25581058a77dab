using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Sessions;

namespace Switchyard.Proxy.Pipelining;

/// <summary>
/// The pipelined lanes of one backend: per client profile, schema and session settings (SET NAMES and the like, which
/// most drivers send when they connect), up to <c>lanes</c> connections leased from the
/// backend's pool for as long as they work. A lane is opened in the background the first time a read wants one (that
/// read, and any until the lane is ready, is served the usual way), and another once every lane has commands waiting.
/// Lanes take at most half of the pool's connections, and close after pool.idle_timeout unused.
/// </summary>
internal sealed class LaneSet(BackendPool pool, int lanesPerKey, int maxDepth, TimeSpan stallTimeout, ILogger logger)
{
    /// <summary>Distinct (profile, schema, settings) keys served by lanes; reads of further ones go the usual way, so that a
    /// client walking through many schemas cannot hold many connections.</summary>
    private const int MaxKeys = 16;
    /// <summary>After a lane could not be opened, none is tried again for this long.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private const string ClosingReason = "closing", IdleReason = "idle";

    private readonly Lock _lock = new();
    private readonly Dictionary<(ConnectionProfile Profile, string? Schema, string Settings), Group> _groups = [];
    private bool _closed;

    private sealed class Group
    {
        public readonly List<PipelinedLane> Lanes = [];
        public int Opening;
        public long RetryAfter;
    }

    /// <summary>The least busy working lane for the profile, schema and session settings, or null; another one is opened
    /// in the background when none works or every one has reads waiting (unless one is opening, an open failed less than
    /// a second ago, the backend has lanes for too many keys, or the configured number is reached).</summary>
    /// <param name="settings">The statements that give a fresh connection <paramref name="state"/>, joined: the key.</param>
    public PipelinedLane? Find(ConnectionProfile profile, string? schema, SessionState state, string settings)
    {
        Group? open = null;
        PipelinedLane? best;
        lock (_lock)
        {
            if (_closed || GroupFor(profile, schema, settings) is not { } group)
                return null;
            best = Least(group);
            if ((best is null || best.Depth > 0) && group.Lanes.Count + group.Opening < lanesPerKey && Stopwatch.GetTimestamp() >= group.RetryAfter)
            {
                group.Opening++;
                open = group;
            }
        }
        if (open is not null)
            _ = OpenAsync(profile, schema, state, open);
        return best;
    }

    private Group? GroupFor(ConnectionProfile profile, string? schema, string settings)
    {
        if (_groups.TryGetValue((profile, schema, settings), out var group))
            return group;
        if (_groups.Count >= MaxKeys)
            return null;
        return _groups[(profile, schema, settings)] = new Group();
    }

    private static PipelinedLane? Least(Group group)
    {
        PipelinedLane? best = null;
        foreach (var lane in group.Lanes)
        {
            if (!lane.IsFailed && (best is null || lane.Depth < best.Depth))
                best = lane;
        }
        return best;
    }

    /// <summary>Closes every lane (the backend is being removed, or the proxy stops); commands waiting are handed back.</summary>
    public void Close()
    {
        List<PipelinedLane> lanes = [];
        lock (_lock)
        {
            _closed = true;
            foreach (var group in _groups.Values)
                lanes.AddRange(group.Lanes);
        }
        foreach (var lane in lanes)
            lane.Fail(ClosingReason);
    }

    /// <summary>Closes the lanes nobody used for <paramref name="idleTimeout"/> (pool.idle_timeout), so that a burst of
    /// reads does not keep connections for good.</summary>
    public void CloseIdle(TimeSpan idleTimeout)
    {
        List<PipelinedLane> idle = [];
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            foreach (var (key, group) in _groups)
            {
                idle.AddRange(group.Lanes.Where(lane => lane.Depth == 0 && Stopwatch.GetElapsedTime(lane.LastUsed) >= idleTimeout));
                // A key whose lane could not be opened is forgotten once it may be tried again.
                if (group.Lanes.Count == 0 && group.Opening == 0 && now >= group.RetryAfter)
                    _groups.Remove(key);
            }
        }
        foreach (var lane in idle)
            lane.Fail(IdleReason);
    }

    private long _answered;

    /// <summary>Commands answered on this backend's lanes (the proxy's own PREPAREs included).</summary>
    public long Answered => Interlocked.Read(ref _answered);

    public void CountAnswered() => Interlocked.Increment(ref _answered);

    private long _writes;

    /// <summary>Writes to this backend's lanes: fewer than commands when commands queued behind an answer left together.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public void CountWrite() => Interlocked.Increment(ref _writes);

    /// <summary>Lanes open now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _groups.Values.Sum(group => group.Lanes.Count);
        }
    }

    /// <summary>Commands waiting for their answers on this backend's lanes now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
                return _groups.Values.Sum(group => group.Lanes.Sum(lane => lane.Depth));
        }
    }

    /// <summary>Called once by a lane that stopped: its connection is closed and its place freed.</summary>
    public async ValueTask RemoveAsync(PipelinedLane lane, string reason)
    {
        lock (_lock)
        {
            // A key without lanes is forgotten, so that the keys in use now, not the first 16 ever seen, get lanes.
            foreach (var (key, group) in _groups)
            {
                if (group.Lanes.Remove(lane) && group.Lanes.Count == 0 && group.Opening == 0)
                    _groups.Remove(key);
            }
        }
        if (reason is not (ClosingReason or IdleReason))
            Log.LaneClosed(logger, pool.Endpoint.Name, lane.Connection.ConnectionId, reason);
        await pool.DiscardAsync(lane.Connection, $"pipelined lane closed: {reason}").ConfigureAwait(false);
    }

    private async Task OpenAsync(ConnectionProfile profile, string? schema, SessionState state, Group group)
    {
        BackendConnection? connection = null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            int lanes;
            lock (_lock)
                lanes = _groups.Values.Sum(g => g.Lanes.Count + g.Opening) - 1;
            connection = await pool.TryLeaseForLaneAsync(profile, lanes, timeout.Token).ConfigureAwait(false);
            if (connection is null)
            {
                // No connection to spare now: the reads go the usual way, and a lane is tried again later.
                GiveUp(group);
                return;
            }
            // The lane's connection gets exactly the sessions' schema and settings, as a session's own would.
            await pool.ApplyStateAsync(connection, schema, state, profile.Collation, timeout.Token).ConfigureAwait(false);
            var lane = new PipelinedLane(connection, this, maxDepth, stallTimeout);
            bool keep;
            lock (_lock)
            {
                group.Opening--;
                keep = !_closed;
                if (keep)
                    group.Lanes.Add(lane);
            }
            if (!keep)
            {
                pool.Return(connection, dirty: true);
                return;
            }
            Log.LaneOpened(logger, pool.Endpoint.Name, connection.ConnectionId, schema);
            lane.Start();
        }
        catch (Exception e)
        {
            GiveUp(group);
            Log.LaneOpenFailed(logger, pool.Endpoint.Name, e.Message);
            if (connection is not null)
            {
                connection.MarkBroken();
                await pool.DiscardAsync(connection, "a pipelined lane could not be opened on it").ConfigureAwait(false);
            }
        }
    }

    /// <summary>An open that did not happen: the key waits <see cref="RetryDelay"/> before the next try.</summary>
    private void GiveUp(Group group)
    {
        lock (_lock)
        {
            group.Opening--;
            group.RetryAfter = Stopwatch.GetTimestamp() + (long)(RetryDelay.TotalSeconds * Stopwatch.Frequency);
        }
    }
}
