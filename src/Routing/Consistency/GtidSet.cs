namespace Switchyard.Routing.Consistency;

/// <summary>Which server family's GTID notation a set uses.</summary>
internal enum GtidFlavor : byte
{
    /// <summary>MariaDB: comma-separated domain-server-sequence triples, at most one per domain
    /// (<c>0-1-123,1-2-45</c>); sequence numbers grow per domain.</summary>
    MariaDb,

    /// <summary>MySQL: comma-separated <c>uuid:interval[:interval...]</c> with intervals <c>n</c> or <c>n-m</c>.</summary>
    MySql,
}

/// <summary>
/// A set of transactions identified by GTIDs: a replica's applied position (@@gtid_slave_pos, @@gtid_current_pos,
/// @@gtid_executed), or the GTID(s) of a client's writes (@@last_gtid). Immutable.
/// </summary>
internal sealed class GtidSet
{
    public GtidFlavor Flavor => throw new NotImplementedException();

    /// <summary>True for the empty set ("" is a valid position: nothing applied yet).</summary>
    public bool IsEmpty => throw new NotImplementedException();

    /// <summary>Parses either notation (MariaDB when no ':' occurs). Whitespace and newlines around elements are
    /// allowed (MySQL prints long sets on several lines). On failure <paramref name="error"/> names the problem.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out GtidSet? set, out string? error)
    {
        // Stub until implemented: callers must cope with an unparsable position (they treat it as unknown).
        set = null;
        error = "GTID parsing is not implemented yet";
        return false;
    }

    /// <summary>True when every transaction of <paramref name="other"/> is in this set. MariaDB: for each domain of
    /// <paramref name="other"/>, this set has that domain with a sequence number at least as high (the server id
    /// is not compared: sequence numbers order a domain). MySQL: subset. Different flavors: false.</summary>
    public bool Contains(GtidSet other) => throw new NotImplementedException();

    /// <summary>The union: for MariaDB the higher sequence per domain (keeping that element's server id); for
    /// MySQL the union of intervals. Used to accumulate the writes of one user across connections.</summary>
    public GtidSet Union(GtidSet other) => throw new NotImplementedException();

    /// <summary>Value equality: the same transactions in the same flavor (element order and spelling do not matter).</summary>
    public override bool Equals(object? obj) => throw new NotImplementedException();

    public override int GetHashCode() => throw new NotImplementedException();

    /// <summary>The canonical text, accepted by MASTER_GTID_WAIT (MariaDB) or WAIT_FOR_EXECUTED_GTID_SET (MySQL).</summary>
    public override string ToString() => throw new NotImplementedException();
}
