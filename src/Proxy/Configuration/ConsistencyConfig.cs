namespace Switchyard.Proxy.Configuration;

/// <summary>Read consistency: which guarantee a read gets unless the client asks for another (see README,
/// "Read consistency").</summary>
public sealed record ConsistencyConfig
{
    /// <summary>strong, eventual, read-your-writes or max_lag=N (seconds). The default keeps a client's own writes
    /// visible on its own connection; connections that never wrote are unaffected.</summary>
    public string Default { get; init; } = "read-your-writes";
    public ReadYourWritesConfig ReadYourWrites { get; init; } = new();
}

/// <summary>How read-your-writes knows which backend has a write.</summary>
public enum ReadYourWritesModeSetting
{
    /// <summary>The GTID of each committed write (session tracking of last_gtid), compared with replica positions.</summary>
    Gtid,
    /// <summary>Reads within a time window after the reader's last write go to the primary.</summary>
    Time,
}

/// <summary>Whose writes a reader must see.</summary>
public enum ReadYourWritesScope
{
    /// <summary>Writes made on the same client connection.</summary>
    Connection,
    /// <summary>Also writes of the same application user (user key) on any other connection to this proxy.</summary>
    User,
}

/// <summary>Where the application user key comes from.</summary>
public enum UserKeySource
{
    /// <summary>A <c>user_id='…'</c> comment tag on the statement.</summary>
    Tag,
    /// <summary><c>SET @@switchyard.user_id = '…'</c> on the connection.</summary>
    Session,
    /// <summary>The database user name the client logged in with.</summary>
    DbUser,
}

public sealed record ReadYourWritesConfig
{
    public ReadYourWritesModeSetting Mode { get; init; } = ReadYourWritesModeSetting.Gtid;
    public ReadYourWritesScope Scope { get; init; } = ReadYourWritesScope.Connection;
    /// <summary>Sources of the user key in order; the first that gives one wins.</summary>
    public IReadOnlyList<UserKeySource> UserKey { get; init; } = [UserKeySource.Tag, UserKeySource.Session, UserKeySource.DbUser];
    /// <summary>Time mode (and gtid mode when a write's GTID could not be learned): reads stay on the primary this
    /// long after a write.</summary>
    public TimeSpan TimeWindow { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Longest MASTER_GTID_WAIT on a replica before the read goes to the primary instead.</summary>
    public TimeSpan GtidWaitTimeout { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Application users whose last write is remembered (scope user); the least recently written are
    /// forgotten beyond it.</summary>
    public int MaxTrackedUsers { get; init; } = 1_000_000;
    /// <summary>A user's last write is forgotten after this (a write that old is on every healthy replica).</summary>
    public TimeSpan UserExpiry { get; init; } = TimeSpan.FromSeconds(60);
}
