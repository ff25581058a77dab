using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Consistency;

/// <summary>
/// One client session's consistency state: its level (config default, the database user's, or set with
/// <c>SET @@switchyard.consistency</c>), its application user key (<c>SET @@switchyard.user_id</c>), and its last
/// write. Turns a read's tags into a <see cref="ReadPlan"/> and records committed writes (also under the user key
/// when the scope is user).
/// </summary>
internal sealed class SessionConsistency(ConsistencySettings settings)
{
    private ConsistencyLevel _userDefault = settings.Default;
    private ConsistencyLevel? _sessionLevel;
    private string? _dbUser;
    private WriteMark? _mark;

    public ConsistencySettings Settings => settings;

    /// <summary>Set with SET @@switchyard.user_id; null when not set.</summary>
    public string? SessionUserId { get; private set; }

    /// <summary>The exact @@last_gtid text of this session's last write as the primary reported it ("" before any):
    /// what <c>SELECT @@last_gtid</c> through the proxy answers.</summary>
    public string LastGtidText { get; private set; } = "";

    /// <summary>The level without statement tags.</summary>
    public ConsistencyLevel SessionLevel => _sessionLevel ?? _userDefault;

    /// <summary>After authentication or COM_CHANGE_USER.</summary>
    public void UserChanged(string user)
    {
        _dbUser = user;
        _userDefault = settings.DefaultFor(user);
        ResetSessionSettings();
    }

    /// <summary>COM_RESET_CONNECTION and COM_CHANGE_USER clear what the session SET. Its last write stays: the client
    /// still must see it (forgetting it would be weaker, never stronger).</summary>
    public void ResetSessionSettings()
    {
        _sessionLevel = null;
        SessionUserId = null;
    }

    /// <summary>SET @@switchyard.consistency: null (DEFAULT) goes back to the user's default. False with a reason
    /// when the text is no level; the session keeps its level then.</summary>
    public bool TrySetLevel(string? text, out string? error)
    {
        error = null;
        if (text is null)
        {
            _sessionLevel = null;
            return true;
        }
        if (!ConsistencyLevel.TryParse(text, out var level, out error))
            return false;
        _sessionLevel = level;
        return true;
    }

    public void SetUserId(string? userId) => SessionUserId = string.IsNullOrEmpty(userId) ? null : userId;

    /// <summary>The effective level of a statement: its tag, else the session's. A min_gtid tag asks for
    /// read-your-writes of that GTID, so it lifts an eventual level to read-your-writes (never lowers one).</summary>
    public ConsistencyLevel LevelFor(in StatementTags tags)
    {
        var level = tags.Consistency ?? SessionLevel;
        if (tags.MinGtid is not null && tags.Consistency is null && level.Kind == ConsistencyKind.Eventual)
            level = ConsistencyLevel.ReadYourWrites;
        return level;
    }

    /// <summary>The application user key of a statement, from the configured sources in order.</summary>
    public string? UserKeyFor(in StatementTags tags)
    {
        foreach (var source in settings.UserKeySources)
        {
            var key = source switch
            {
                UserKeySource.Tag => tags.UserId,
                UserKeySource.Session => SessionUserId,
                _ => _dbUser,
            };
            if (!string.IsNullOrEmpty(key))
                return key;
        }
        return null;
    }

    /// <summary>Plans a read a replica could serve. Without writes, tags or another level this is the common case and
    /// allocates nothing.</summary>
    public ReadPlan Plan(in StatementTags tags, out ConsistencyLevel level)
    {
        level = LevelFor(tags);
        var now = settings.Time.GetTimestamp();
        WriteMark? mark = null;
        if (level.Kind == ConsistencyKind.ReadYourWrites)
        {
            var window = WindowTicks;
            mark = _mark;
            if (settings.Tracker is { } tracker && UserKeyFor(tags) is { } key && tracker.TryGetLastWrite(key, out var userMark))
                mark = WriteMarks.Combine(mark, userMark, now, window);
            if (tags.MinGtid is { } minGtid)
                mark = WriteMarks.Combine(mark, new WriteMark(now, minGtid), now, window);
        }
        return ConsistencyPlanner.Plan(level, mark, settings.Mode, settings.TimeWindow, now, settings.Time.TimestampFrequency);
    }

    /// <summary>Records a committed write of this session. <paramref name="gtid"/>: what the primary reported (null in
    /// time mode or when it could not be learned); <paramref name="gtidText"/>: the same as the server spelled it.</summary>
    public void RecordWrite(GtidSet? gtid, string? gtidText, in StatementTags tags)
    {
        var now = settings.Time.GetTimestamp();
        _mark = WriteMarks.After(_mark, now, gtid, WindowTicks);
        if (gtidText is not null)
            LastGtidText = gtidText;
        if (settings.Tracker is { } tracker && UserKeyFor(tags) is { } key)
            tracker.RecordWrite(key, gtid);
    }

    private long WindowTicks => (long)(settings.TimeWindow.TotalSeconds * settings.Time.TimestampFrequency);
}
