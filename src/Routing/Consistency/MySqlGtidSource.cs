namespace Switchyard.Routing.Consistency;

/// <summary>The transactions of one MySQL source: its server uuid, the GTID tag (MySQL 8.3+, empty when untagged)
/// and sorted, disjoint, non-adjacent intervals.</summary>
internal readonly record struct MySqlGtidSource(UInt128 Uuid, string Tag, GtidInterval[] Intervals)
{
    /// <summary>Orders sources by uuid, then tag: the order of the canonical text.</summary>
    public int CompareKey(MySqlGtidSource other)
    {
        int byUuid = Uuid.CompareTo(other.Uuid);
        return byUuid != 0 ? byUuid : string.CompareOrdinal(Tag, other.Tag);
    }

    public bool SameKey(MySqlGtidSource other) => Uuid == other.Uuid && Tag == other.Tag;
}
