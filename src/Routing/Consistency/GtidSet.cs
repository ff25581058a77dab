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
/// <remarks>The empty set is one value whatever its flavor: "" parses as an empty MariaDB set, yet it is the same
/// nothing as an empty @@gtid_executed, so it equals, is contained in and unites with sets of either flavor.</remarks>
internal sealed partial class GtidSet
{
    // Exactly one of the two is non-empty, except for the empty set. Both sorted (by domain; by uuid then tag).
    private readonly MariaDbGtid[] _domains;
    private readonly MySqlGtidSource[] _sources;
    private string? _text;

    private GtidSet(GtidFlavor flavor, MariaDbGtid[] domains, MySqlGtidSource[] sources)
    {
        Flavor = flavor;
        _domains = domains;
        _sources = sources;
    }

    /// <summary>The empty position.</summary>
    public static GtidSet Empty { get; } = new(GtidFlavor.MariaDb, [], []);

    public GtidFlavor Flavor { get; }

    /// <summary>True for the empty set ("" is a valid position: nothing applied yet).</summary>
    public bool IsEmpty => _domains.Length == 0 && _sources.Length == 0;

    /// <summary>Parses either notation (MariaDB when no ':' occurs). Whitespace and newlines around elements are
    /// allowed (MySQL prints long sets on several lines). On failure <paramref name="error"/> names the problem.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out GtidSet? set, out string? error)
    {
        ReadOnlySpan<char> trimmed = text.Trim();
        if (trimmed.IsEmpty)
        {
            set = Empty;
            error = null;
            return true;
        }

        return trimmed.Contains(':')
            ? TryParseMySql(trimmed, out set, out error)
            : TryParseMariaDb(trimmed, out set, out error);
    }

    /// <summary>Parses a set known to be valid (configuration, tests); throws <see cref="FormatException"/> otherwise.</summary>
    public static GtidSet Parse(string text) =>
        TryParse(text, out var set, out var error) ? set! : throw new FormatException(error);

    /// <summary>True when every transaction of <paramref name="other"/> is in this set. MariaDB: for each domain of
    /// <paramref name="other"/>, this set has that domain with a sequence number at least as high (the server id
    /// is not compared: sequence numbers order a domain). MySQL: subset. Different flavors: false.</summary>
    public bool Contains(GtidSet other)
    {
        if (other.IsEmpty || ReferenceEquals(this, other))
        {
            return true;
        }

        if (IsEmpty || Flavor != other.Flavor)
        {
            return false;
        }

        return Flavor == GtidFlavor.MariaDb ? MariaDbContains(_domains, other._domains) : MySqlContains(_sources, other._sources);
    }

    /// <summary>The union: for MariaDB the higher sequence per domain (keeping that element's server id); for
    /// MySQL the union of intervals. Used to accumulate the writes of one user across connections.</summary>
    /// <remarks>When one set already contains the other, that instance is returned: marks share sets rather than
    /// copy them. Non-empty sets of different flavors cannot be united (one cluster speaks one notation; a mix means
    /// the topology changed): the result is then <paramref name="other"/>, taken as the newer knowledge.</remarks>
    public GtidSet Union(GtidSet other)
    {
        if (Contains(other))
        {
            return this;
        }

        if (other.Contains(this) || Flavor != other.Flavor)
        {
            return other;
        }

        return Flavor == GtidFlavor.MariaDb
            ? new GtidSet(GtidFlavor.MariaDb, MariaDbUnion(_domains, other._domains), [])
            : new GtidSet(GtidFlavor.MySql, [], MySqlUnion(_sources, other._sources));
    }

    /// <summary>Value equality: the same transactions in the same flavor (element order and spelling do not matter).</summary>
    public override bool Equals(object? obj)
    {
        if (ReferenceEquals(this, obj))
        {
            return true;
        }

        if (obj is not GtidSet other)
        {
            return false;
        }

        if (IsEmpty || other.IsEmpty)
        {
            return IsEmpty && other.IsEmpty;
        }

        return Flavor == other.Flavor
            && (Flavor == GtidFlavor.MariaDb ? _domains.AsSpan().SequenceEqual(other._domains) : MySqlEquals(_sources, other._sources));
    }

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var gtid in _domains)
        {
            hash.Add(gtid);
        }

        foreach (var source in _sources)
        {
            hash.Add(source.Uuid);
            hash.Add(source.Tag);
            foreach (var interval in source.Intervals)
            {
                hash.Add(interval);
            }
        }

        return hash.ToHashCode();
    }

    /// <summary>The canonical text, accepted by MASTER_GTID_WAIT (MariaDB) or WAIT_FOR_EXECUTED_GTID_SET (MySQL).</summary>
    public override string ToString() => _text ??= Flavor == GtidFlavor.MariaDb ? MariaDbText(_domains) : MySqlText(_sources);
}
