namespace Switchyard.Routing.Conflicts;

/// <summary>The configuration spellings of <see cref="ConflictStrategy"/> and of merge rules.</summary>
internal static class ConflictStrategyNames
{
    public const string LastWriteWins = "last-write-wins";
    public const string VectorClock = "vector-clock";
    public const string Merge = "merge";
    public const string ReportOnly = "report-only";

    public static readonly string[] All = [LastWriteWins, VectorClock, Merge, ReportOnly];

    public static ConflictStrategy? Parse(string name) => name switch
    {
        LastWriteWins => ConflictStrategy.LastWriteWins,
        VectorClock => ConflictStrategy.VectorClock,
        Merge => ConflictStrategy.Merge,
        ReportOnly => ConflictStrategy.ReportOnly,
        _ => null,
    };

    public static string Name(ConflictStrategy strategy) => strategy switch
    {
        ConflictStrategy.LastWriteWins => LastWriteWins,
        ConflictStrategy.VectorClock => VectorClock,
        ConflictStrategy.Merge => Merge,
        _ => ReportOnly,
    };
}
