namespace Switchyard.Routing.Health;

/// <summary>What the monitor (and live traffic) concluded about a backend.</summary>
internal enum HealthState : byte
{
    /// <summary>Not checked yet: a replica is not given reads until its first healthy check.</summary>
    Unknown,

    /// <summary>Reachable and, for a replica, replicating within the lag limit: eligible for reads.</summary>
    Online,

    /// <summary>A replica whose replication lag is above its limit: out of rotation until it catches up.</summary>
    Lagging,

    /// <summary>A replica whose replication is stopped or failing (a thread not running, Seconds_Behind_Master
    /// NULL, a replication error): its data may be arbitrarily old.</summary>
    Broken,

    /// <summary>Unreachable, or a check timed out.</summary>
    Down,

    /// <summary>Too many connection errors from live traffic: out of rotation until the monitor sees it healthy.</summary>
    Shunned,

    /// <summary>A Galera node that answers but does not serve: not Synced (Donor/Desynced, Joining, Joined), not in the
    /// Primary component, or wsrep_ready OFF. Out of rotation until it is Synced again.</summary>
    Unsynced,
}
