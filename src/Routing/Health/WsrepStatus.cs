namespace Switchyard.Routing.Health;

/// <summary>What a Galera node reports of its place in the cluster (one <c>SHOW GLOBAL STATUS</c> per check).</summary>
/// <param name="LocalState">wsrep_local_state; null when absent or not a number.</param>
/// <param name="LocalStateComment">wsrep_local_state_comment as the server words it ("Synced", "Donor/Desynced", ...).</param>
/// <param name="ClusterStatus">wsrep_cluster_status: "Primary" when the node is in the component with quorum.</param>
/// <param name="Ready">wsrep_ready: whether the node accepts queries; null when absent.</param>
/// <param name="ClusterSize">wsrep_cluster_size: nodes in the node's component; null when absent.</param>
/// <param name="NodeName">@@wsrep_node_name, for /status.</param>
internal sealed record WsrepStatus(
    WsrepLocalState? LocalState,
    string? LocalStateComment,
    string? ClusterStatus,
    bool? Ready,
    int? ClusterSize,
    string? NodeName)
{
    /// <summary>The status variables the monitor reads, in the form SHOW GLOBAL STATUS WHERE Variable_name IN (...)
    /// takes them.</summary>
    public static IReadOnlyList<string> Variables { get; } =
        ["wsrep_local_state", "wsrep_local_state_comment", "wsrep_cluster_status", "wsrep_ready", "wsrep_cluster_size"];

    /// <summary>Builds the status from the rows of SHOW GLOBAL STATUS (name → value, names in lower case as the server
    /// prints them); a missing or unparsable value stays null and is judged as not serving.</summary>
    public static WsrepStatus FromVariables(IReadOnlyDictionary<string, string> values, string? nodeName)
    {
        string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;
        WsrepLocalState? state = int.TryParse(Get("wsrep_local_state"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s)
            && s is >= 0 and <= 4 ? (WsrepLocalState)s : null;
        bool? ready = Get("wsrep_ready") switch
        {
            null => null,
            var r when r.Equals("ON", StringComparison.OrdinalIgnoreCase) => true,
            _ => false,
        };
        int? size = int.TryParse(Get("wsrep_cluster_size"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
        return new WsrepStatus(state, Get("wsrep_local_state_comment"), Get("wsrep_cluster_status"), ready, size, nodeName);
    }

    /// <summary>Synced, in the Primary component, and ready: the only combination that serves.</summary>
    public bool Serves => LocalState == WsrepLocalState.Synced && IsPrimaryComponent && Ready == true;

    /// <summary>In the component that has quorum (a non-Primary node refuses queries: it may be a minority partition).</summary>
    public bool IsPrimaryComponent => string.Equals(ClusterStatus, "Primary", StringComparison.OrdinalIgnoreCase);
}
