namespace Switchyard.Routing.Consistency;

/// <summary>The transactions of one MySQL source: its server uuid, the GTID tag (MySQL 8.3+, empty when untagged)
/// and sorted, disjoint, non-adjacent intervals.</summary>
/// <remarks>Not a record: generated equality would compare the interval arrays by reference.</remarks>
internal readonly struct MySqlGtidSource(UInt128 uuid, string tag, GtidInterval[] intervals)
{
    public UInt128 Uuid { get; } = uuid;

    public string Tag { get; } = tag;

    public GtidInterval[] Intervals { get; init; } = intervals;

    /// <summary>Orders sources by uuid, then tag: the order of the canonical text.</summary>
    public int CompareKey(MySqlGtidSource other)
    {
        int byUuid = Uuid.CompareTo(other.Uuid);
        return byUuid != 0 ? byUuid : string.CompareOrdinal(Tag, other.Tag);
    }

    public bool SameKey(MySqlGtidSource other) => Uuid == other.Uuid && Tag == other.Tag;
}
