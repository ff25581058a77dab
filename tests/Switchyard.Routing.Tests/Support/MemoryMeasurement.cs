namespace Switchyard.Routing.Tests.Support;

/// <summary>Tests that measure the process's heap (GC.GetTotalMemory) run alone, so other tests' allocations do not
/// count against them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "Memory measurement";
}
