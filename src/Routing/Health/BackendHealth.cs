using Switchyard.Routing.Consistency;

namespace Switchyard.Routing.Health;

/// <summary>One backend's health as last measured; immutable, replaced as a whole by the monitor.</summary>
/// <param name="State">The conclusion.</param>
/// <param name="Reason">Why, in words for logs and /status (empty when online).</param>
/// <param name="LagSeconds">Replication lag in seconds (heartbeat or Seconds_Behind_Master); null when unknown.</param>
/// <param name="LagBytes">How far the replica's applied position is behind the primary's binlog, in bytes; null when unknown.</param>
/// <param name="RoundTrip">Round-trip time of the checks: the shortest of the last few healthy ones (see
/// <see cref="RoundTripWindow"/>).</param>
/// <param name="GtidPosition">@@gtid_slave_pos of a replica, @@gtid_binlog_pos of the primary.</param>
/// <param name="CheckedAt">When the check finished.</param>
internal sealed record BackendHealth(
    HealthState State,
    string Reason,
    double? LagSeconds,
    long? LagBytes,
    TimeSpan? RoundTrip,
    string? GtidPosition,
    DateTimeOffset CheckedAt)
{
    private readonly string? _gtidPosition = GtidPosition;

    /// <summary>@@gtid_slave_pos of a replica, @@gtid_binlog_pos of the primary.</summary>
    /// <remarks>Declared by hand so that <c>health with { GtidPosition = ... }</c> re-parses <see cref="Gtids"/>
    /// instead of copying the old set.</remarks>
    public string? GtidPosition
    {
        get => _gtidPosition;
        init
        {
            _gtidPosition = value;
            Gtids = ParsePosition(value);
        }
    }

    /// <summary><see cref="GtidPosition"/> parsed once per check; null when absent or unparsable (then no read-your-writes
    /// decision relies on it).</summary>
    public GtidSet? Gtids { get; private init; } = ParsePosition(GtidPosition);

    /// <summary>@@read_only as last read; null when unknown.</summary>
    public bool? ReadOnly { get; init; }

    /// <summary>Something wrong that does not take the backend out of rotation (empty when nothing is): a replica
    /// with read_only OFF, a primary with read_only ON (which then takes no writes, see <see cref="AcceptsWrites"/>).</summary>
    public string Warning { get; init; } = "";

    /// <summary>The Galera state as last read; null when the backend is not a Galera node or did not answer.</summary>
    public WsrepStatus? Wsrep { get; init; }

    /// <summary>Whether, as a primary, it can take writes: online and not read_only.</summary>
    public bool AcceptsWrites => IsOnline && ReadOnly != true;

    /// <summary>Before any check.</summary>
    public static BackendHealth Unchecked { get; } = new(HealthState.Unknown, "not checked yet", null, null, null, null, DateTimeOffset.MinValue);

    public bool IsOnline => State == HealthState.Online;

    private static GtidSet? ParsePosition(string? text) =>
        text is { Length: > 0 } && GtidSet.TryParse(text, out var set, out _) ? set : null;
}
