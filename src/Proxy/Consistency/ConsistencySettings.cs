using System.Collections.Frozen;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Metrics;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Consistency;

/// <summary>The <c>consistency:</c> configuration turned into the values routing uses, plus what all sessions share:
/// the per-user write tracker (scope user only) and the metrics.</summary>
internal sealed class ConsistencySettings
{
    public ConsistencySettings(SwitchyardConfig config, ConsistencyMetrics metrics, TimeProvider time)
    {
        var c = config.Consistency;
        Default = Parse(c.Default);
        _perUser = config.Users.Where(u => u.Consistency is not null).ToFrozenDictionary(u => u.Name, u => Parse(u.Consistency!), StringComparer.Ordinal);
        var ryw = c.ReadYourWrites;
        Mode = ryw.Mode == ReadYourWritesModeSetting.Time ? ReadYourWritesMode.Time : ReadYourWritesMode.Gtid;
        UserScope = ryw.Scope == ReadYourWritesScope.User;
        UserKeySources = [.. ryw.UserKey];
        TimeWindow = ryw.TimeWindow;
        GtidWaitTimeout = ryw.GtidWaitTimeout;
        Time = time;
        Metrics = metrics;
        Tracker = UserScope ? new WriteTracker(ryw.MaxTrackedUsers, ryw.UserExpiry, time) : null;
        metrics.Track(Tracker);
    }

    public ConsistencyLevel Default { get; }
    private readonly FrozenDictionary<string, ConsistencyLevel> _perUser;
    public ReadYourWritesMode Mode { get; }
    /// <summary>Writes are also remembered per application user, across connections.</summary>
    public bool UserScope { get; }
    public UserKeySource[] UserKeySources { get; }
    public TimeSpan TimeWindow { get; }
    public TimeSpan GtidWaitTimeout { get; }
    public TimeProvider Time { get; }
    public ConsistencyMetrics Metrics { get; }
    /// <summary>Last writes per user key; null unless scope is user.</summary>
    public WriteTracker? Tracker { get; }

    /// <summary>Gtid mode needs the GTID of each write: primary connections track last_gtid.</summary>
    public bool LearnsGtids => Mode == ReadYourWritesMode.Gtid;

    /// <summary>The level of a database user unless the session or a statement says otherwise.</summary>
    public ConsistencyLevel DefaultFor(string? user) =>
        user is not null && _perUser.TryGetValue(user, out var level) ? level : Default;

    private static ConsistencyLevel Parse(string text) =>
        ConsistencyLevel.TryParse(text, out var level, out var error) ? level : throw new ArgumentException($"invalid consistency level '{text}': {error}");
}
