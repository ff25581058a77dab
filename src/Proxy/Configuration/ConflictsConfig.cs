using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Configuration;

/// <summary>Multi-primary conflict detection and resolution (<c>conflicts:</c>): which tables are compared across which
/// nodes, how often, and how diverged rows are resolved. Restart to change.</summary>
internal sealed record ConflictsConfig
{
    /// <summary>Scan in the background and serve /conflicts; when false the CLI can still scan on demand.</summary>
    public bool Enabled { get; init; }
    /// <summary>Time between background scans; zero: only on demand (POST /conflicts/scan, the CLI).</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>The backends compared, by name; empty: every backend with role primary, in configuration order. The
    /// order breaks last-write-wins ties (the earlier node wins).</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];
    /// <summary>Who scans and repairs; null: backend_credentials. Repair needs the right to SET sql_log_bin=0 (SUPER or
    /// BINLOG ADMIN) besides SELECT, INSERT and UPDATE on the tables.</summary>
    public BackendCredentials? Credentials { get; init; }
    /// <summary>Keys per checksummed range: smaller ranges mean fewer rows read row by row where a range differs.</summary>
    public int ChunkSize { get; init; } = 1000;
    /// <summary>How long each node may take to apply the others' current GTID positions before a comparison; past it the
    /// scan is reported incomplete (changes still in flight are not conflicts).</summary>
    public TimeSpan ReplicationWait { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How long one query of the scan may run before the node counts as gone.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The tables compared, each with its key and strategy.</summary>
    public IReadOnlyList<ConflictTable> Tables { get; init; } = [];

    /// <summary>The node names in use: <see cref="Nodes"/>, or every primary of <paramref name="backends"/> in order.</summary>
    public IReadOnlyList<string> NodesOf(IReadOnlyList<BackendConfig> backends) =>
        Nodes.Count > 0 ? Nodes : [.. backends.Where(b => b.Role == BackendRole.Primary).Select(b => b.Name)];
}
