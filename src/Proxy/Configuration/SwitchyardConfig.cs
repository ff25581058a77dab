using Switchyard.Routing.Rules;

namespace Switchyard.Proxy.Configuration;

/// <summary>The whole configuration, immutable once loaded. Defaults live here so that an omitted key and
/// the documented default are the same thing.</summary>
public sealed record SwitchyardConfig
{
    /// <summary>Where clients connect with the MySQL protocol.</summary>
    public ListenEndpoint MySqlListener { get; init; } = new("127.0.0.1", 6033);
    /// <summary>Metrics and status (loopback by default: it is not authenticated).</summary>
    public ListenEndpoint HttpListener { get; init; } = new("127.0.0.1", 6070);
    public LoggingConfig Logging { get; init; } = new();
    public LimitsConfig Limits { get; init; } = new();
    /// <summary>The identity the proxy uses on every backend connection.</summary>
    public BackendCredentials BackendCredentials { get; init; } = new("switchyard", "");
    public BackendTimeouts BackendTimeouts { get; init; } = new();
    public PoolConfig Pool { get; init; } = new();
    public RoutingConfig Routing { get; init; } = new();
    public PreparedStatementsConfig PreparedStatements { get; init; } = new();
    /// <summary>The backend health monitor: reachability, replication state and lag of every backend.</summary>
    public MonitorConfig Monitor { get; init; } = new();
    /// <summary>The cluster's shape: primary-replica (default), multi-primary or galera, and how writes use the writers.</summary>
    public TopologyConfig Topology { get; init; } = new();
    /// <summary>Multi-region routing by each user's home region; null when the section is absent.</summary>
    public RegionsConfig? Regions { get; init; }
    /// <summary>Per-statement-shape statistics (/digests and the top digests in /metrics).</summary>
    public DigestsConfig Digests { get; init; } = new();
    /// <summary>Read consistency levels and read-your-writes.</summary>
    public ConsistencyConfig Consistency { get; init; } = new();
    /// <summary>Client users the proxy accepts.</summary>
    public IReadOnlyList<UserConfig> Users { get; init; } = [];
    public IReadOnlyList<BackendConfig> Backends { get; init; } = [];
    /// <summary>Sent to clients before any backend was reached; replaced by the primary's own version string
    /// as soon as the proxy has connected to it once.</summary>
    public string FallbackServerVersion { get; init; } = "5.5.5-10.11.6-MariaDB-switchyard";
    /// <summary>The routing rules (`rules:`), compiled and validated; first match wins.</summary>
    internal RuleSet Rules { get; init; } = RuleSet.Empty;
    /// <summary>Multi-primary conflict detection and resolution (`conflicts:`); off unless the section is present.</summary>
    internal ConflictsConfig Conflicts { get; init; } = new();
}

public sealed record ListenEndpoint(string Host, int Port)
{
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

public sealed record LoggingConfig
{
    /// <summary>verbose, debug, information, warning, error.</summary>
    public string Level { get; init; } = "information";
    /// <summary>text or json (one JSON object per line, for log shippers).</summary>
    public string Format { get; init; } = "text";
    /// <summary>At Debug level SQL text is logged, cut to this many characters.</summary>
    public int MaxSqlLength { get; init; } = 200;
}

public sealed record LimitsConfig
{
    /// <summary>Largest command a client may send, all 16 MiB parts together.</summary>
    public long MaxPacketSize { get; init; } = 64L * 1024 * 1024;
    /// <summary>A client must finish authenticating within this time.</summary>
    public TimeSpan ClientHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A client that stops sending in the middle of a packet is dropped after this (net_read_timeout).</summary>
    public TimeSpan ClientReadTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>On SIGTERM or Ctrl-C, how long running statements and open transactions may take to finish before
    /// their sessions are closed anyway.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

public sealed record BackendCredentials(string User, string Password);

public sealed record BackendTimeouts
{
    /// <summary>TCP connect to a backend.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Greeting and authentication; a SIGSTOP'd server accepts TCP but never greets.</summary>
    public TimeSpan Handshake { get; init; } = TimeSpan.FromSeconds(3);
}

public sealed record PoolConfig
{
    public int MaxConnectionsPerBackend { get; init; } = 200;
    /// <summary>How long a session waits for a connection when a backend's pool is at its maximum.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Idle connections kept open per backend and client capability profile, so bursts need no connects.</summary>
    public int MinIdle { get; init; }
    /// <summary>An idle connection unused for this long is checked (one poll) before it is lent, so one the server
    /// closed meanwhile is replaced instead of failing the client's statement.</summary>
    public TimeSpan LivenessCheckAfter { get; init; } = TimeSpan.FromSeconds(1);
}

public sealed record RoutingConfig
{
    /// <summary>How reads are spread over eligible replicas: round-robin, weighted or least-connections.</summary>
    public string ReadBalancing { get; init; } = "round-robin";
    /// <summary>After a replica refuses connections, how long it stays out of rotation before it is tried again.</summary>
    public TimeSpan ReplicaRetryDelay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a connection is kept for a client's next statement after one that the next may ask about
    /// (warnings, an insert id, FOUND_ROWS, a fresh PREPARE) before it goes back to the pool.</summary>
    public TimeSpan HoldForNextStatement { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Shared backend connections per replica and primary (and client profile and schema) over which
    /// autocommit reads without session state are pipelined; 0: every statement leases a connection of its own.</summary>
    public int PipelinedLanes { get; init; }
    /// <summary>Commands one lane may have waiting for answers; a read finding every lane full goes the usual way.</summary>
    public int PipelineMaxDepth { get; init; } = 32;
    /// <summary>A client that does not read its answer from a lane for this long is disconnected, so that the reads
    /// queued behind it on the shared connection are not held up.</summary>
    public TimeSpan PipelineStallTimeout { get; init; } = TimeSpan.FromSeconds(2);
}

public sealed record DigestsConfig
{
    /// <summary>Off: statements are not normalised and /digests stays empty (saves well under a microsecond per statement).</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>Distinct digests tracked; statements of shapes beyond it are counted under one overflow entry.</summary>
    public int MaxDigests { get; init; } = 10_000;
    /// <summary>How many digests (those with the most total time) /metrics exports as series.</summary>
    public int MetricsTop { get; init; } = 20;
}

public sealed record PreparedStatementsConfig
{
    /// <summary>Backend statements cached on one backend connection; the least recently used is closed beyond it.</summary>
    public int MaxPerConnection { get; init; } = 64;
    /// <summary>Statements one client session may hold open (each client prepare counts until it is closed).</summary>
    public int MaxPerSession { get; init; } = 1024;
}

public sealed record MonitorConfig
{
    /// <summary>Without the monitor every backend's health stays unknown (null) and routing relies on connect errors.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>Time between the starts of two checks of one backend.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>A check (connect included) that takes longer marks the backend down; a SIGSTOP'd server accepts TCP
    /// and then never answers.</summary>
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>The monitor's own identity; null means <see cref="SwitchyardConfig.BackendCredentials"/>. It needs
    /// SLAVE MONITOR, BINLOG MONITOR and, for the heartbeat, rights on the heartbeat table's database.</summary>
    public BackendCredentials? Credentials { get; init; }
    /// <summary>A replica lagging more than this is taken out of rotation (backends[].max_replication_lag overrides it).</summary>
    public TimeSpan MaxReplicationLag { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>A lagging replica returns only once its lag is at most this fraction of its limit, so that one
    /// hovering at the limit does not flap.</summary>
    public double LagRecoveryRatio { get; init; } = 0.8;
    /// <summary>Consecutive failed checks before a backend is marked down.</summary>
    public int FailuresToDown { get; init; } = 1;
    /// <summary>Consecutive healthy checks before a backend that was out returns to online.</summary>
    public int SuccessesToOnline { get; init; } = 2;
    /// <summary>Connection errors that client traffic meets on one backend (a failed connect, a replica lost before
    /// answering) within <see cref="ShunWindow"/> that shun it: out of rotation until the monitor has seen it healthy
    /// <see cref="SuccessesToOnline"/> times in a row after the shunning.</summary>
    public int ShunAfterErrors { get; init; } = 3;
    /// <summary>The sliding window <see cref="ShunAfterErrors"/> is counted in.</summary>
    public TimeSpan ShunWindow { get; init; } = TimeSpan.FromSeconds(10);
    public HeartbeatConfig Heartbeat { get; init; } = new();
}

public sealed record HeartbeatConfig
{
    /// <summary>When on, the monitor writes a timestamp row on the primary and reads it on each replica: sub-second
    /// lag that keeps growing while replication is stopped (Seconds_Behind_Master counts whole seconds).</summary>
    public bool Enabled { get; init; }
    /// <summary>How often the row on the primary is updated.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>database.table, created on the primary if missing.</summary>
    public string Table { get; init; } = "switchyard_heartbeat.heartbeat";
}

public sealed record UserConfig
{
    public required string Name { get; init; }
    /// <summary>SHA1(SHA1(password)), as in MySQL's "*HEX" hash; empty for a user without password.</summary>
    public required byte[] PasswordDoubleSha1 { get; init; }
    /// <summary>This user's default consistency level (same spellings as consistency.default); null: that default.</summary>
    public string? Consistency { get; init; }
}

public enum BackendRole
{
    /// <summary>Takes writes, transactions and strong reads. In a multi-primary or galera topology every primary is a
    /// writer, and their order in the configuration is the failover order.</summary>
    Primary,
    /// <summary>Serves reads when healthy.</summary>
    Replica,
}

public sealed record BackendConfig
{
    public required string Name { get; init; }
    public required string Host { get; init; }
    public required int Port { get; init; }
    /// <summary>A Unix socket path used instead of <see cref="Host"/>:<see cref="Port"/> for a server on the same machine:
    /// each statement costs the proxy and the server less kernel time than over loopback TCP.</summary>
    public string? Socket { get; init; }
    public BackendRole Role { get; init; } = BackendRole.Replica;
    public int Weight { get; init; } = 1;
    /// <summary>This replica's own lag limit; null means monitor.max_replication_lag.</summary>
    public TimeSpan? MaxReplicationLag { get; init; }
    /// <summary>Where the backend runs (a zone or data centre), for operators and future locality-aware routing; null when not given.</summary>
    public string? Region { get; init; }
    /// <summary>Backend groups this backend belongs to: a rule's <c>route:</c> may name one.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    public string Address => Socket ?? (Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}");
}
