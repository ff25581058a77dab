namespace Switchyard.Routing.Consistency;

/// <summary>The kinds of guarantee a read can ask for.</summary>
internal enum ConsistencyKind : byte
{
    /// <summary>Any eligible (online) replica; may be stale.</summary>
    Eventual,

    /// <summary>The primary.</summary>
    Strong,

    /// <summary>A backend known to have applied the reader's own last write (connection or application user).</summary>
    ReadYourWrites,

    /// <summary>Only replicas measured at most <see cref="ConsistencyLevel.MaxLagSeconds"/> behind.</summary>
    BoundedStaleness,
}

/// <summary>A requested consistency: a kind, plus the lag bound for bounded staleness.</summary>
internal readonly record struct ConsistencyLevel(ConsistencyKind Kind, double MaxLagSeconds = 0)
{
    public static ConsistencyLevel Eventual => new(ConsistencyKind.Eventual);
    public static ConsistencyLevel Strong => new(ConsistencyKind.Strong);
    public static ConsistencyLevel ReadYourWrites => new(ConsistencyKind.ReadYourWrites);
    public static ConsistencyLevel MaxLag(double seconds) => new(ConsistencyKind.BoundedStaleness, seconds);

    /// <summary>Parses the documented spellings, case-insensitively: <c>strong</c>, <c>eventual</c>,
    /// <c>read-your-writes</c> (also <c>read_your_writes</c>, <c>ryw</c>), <c>max_lag=N</c> (N seconds, fractions
    /// allowed, 0 &lt; N ≤ 86400; also <c>max_lag:N</c>). On failure <paramref name="error"/> names the problem in
    /// words fit for an ERR packet.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ConsistencyLevel level, out string? error) =>
        throw new NotImplementedException();

    /// <summary>The canonical spelling: strong, eventual, read-your-writes, max_lag=1.5 (invariant culture).</summary>
    public override string ToString() => throw new NotImplementedException();

    /// <summary>A short label for metrics: strong, eventual, read_your_writes, bounded_staleness.</summary>
    public string MetricLabel => throw new NotImplementedException();
}
