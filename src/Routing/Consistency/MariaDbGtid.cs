namespace Switchyard.Routing.Consistency;

/// <summary>One MariaDB GTID, <c>domain-server-sequence</c>: the last transaction of a replication domain.</summary>
internal readonly record struct MariaDbGtid(uint Domain, uint Server, ulong Sequence)
{
    public override string ToString() => $"{Domain}-{Server}-{Sequence}";
}
