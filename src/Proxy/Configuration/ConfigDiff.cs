namespace Switchyard.Proxy.Configuration;

/// <summary>Which parts of a reloaded configuration the running proxy cannot apply: they are built into listeners,
/// pools, the monitor and the logger at start-up. Users and rules are read per statement and need no restart; replicas
/// are added and removed live (see Hosting.BackendReconfiguration), only the primary needs one.</summary>
internal static class ConfigDiff
{
    public static IReadOnlyList<string> RestartOnlyChanges(SwitchyardConfig running, SwitchyardConfig next)
    {
        var changed = new List<string>();
        if (running.MySqlListener != next.MySqlListener || running.HttpListener != next.HttpListener)
            changed.Add("listeners");
        if (running.Logging != next.Logging)
            changed.Add("logging");
        if (running.Limits != next.Limits)
            changed.Add("limits");
        if (running.BackendCredentials != next.BackendCredentials)
            changed.Add("backend_credentials");
        if (running.BackendTimeouts != next.BackendTimeouts)
            changed.Add("backend_timeouts");
        if (running.Pool != next.Pool)
            changed.Add("pool");
        if (running.Routing != next.Routing)
            changed.Add("routing");
        if (running.PreparedStatements != next.PreparedStatements)
            changed.Add("prepared_statements");
        if (running.Monitor != next.Monitor)
            changed.Add("monitor");
        // The writers' election, their pools' liveness checks and the read rotation are built from it at start-up.
        if (running.Topology != next.Topology)
            changed.Add("topology");
        if (!running.Backends.Where(IsPrimary).Select(Describe).SequenceEqual(next.Backends.Where(IsPrimary).Select(Describe)))
            changed.Add(running.Topology.HasSeveralWriters ? "backends (the writers)" : "backends (the primary)");
        if (running.FallbackServerVersion != next.FallbackServerVersion)
            changed.Add("server_version");
        return changed;
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> describe the same backend in every respect the
    /// proxy builds from: a replica whose entry differs is replaced on reload.</summary>
    public static bool SameBackend(BackendConfig a, BackendConfig b) => Describe(a) == Describe(b);

    private static bool IsPrimary(BackendConfig b) => b.Role == BackendRole.Primary;

    // BackendConfig holds a list, which record equality compares by reference.
    private static string Describe(BackendConfig b) =>
        $"{b.Name}|{b.Address}|{b.Role}|{b.Weight}|{b.MaxReplicationLag}|{b.Region}|{string.Join(',', b.Groups)}";
}
