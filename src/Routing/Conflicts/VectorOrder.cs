namespace Switchyard.Routing.Conflicts;

/// <summary>How two version vectors relate.</summary>
internal enum VectorOrder : byte
{
    /// <summary>The same counter for every node.</summary>
    Equal,
    /// <summary>The first has seen everything the second has, and more.</summary>
    Dominates,
    /// <summary>The second dominates the first.</summary>
    Dominated,
    /// <summary>Each has seen writes the other has not: a true conflict.</summary>
    Concurrent,
}
