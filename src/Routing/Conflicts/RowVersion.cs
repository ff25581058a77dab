namespace Switchyard.Routing.Conflicts;

/// <summary>One node's version of a row: its column values rendered as text (in the table's column order), or
/// null when the node does not have the row.</summary>
internal sealed record RowVersion(IReadOnlyList<string?>? Values)
{
    public static readonly RowVersion Absent = new((IReadOnlyList<string?>?)null);

    public bool Exists => Values is not null;

    public bool SameAs(RowVersion other) =>
        Values is null ? other.Values is null : other.Values is not null && Values.SequenceEqual(other.Values, StringComparer.Ordinal);
}
