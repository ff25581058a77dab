namespace Switchyard.Proxy.Conflicts;

/// <summary>A node the scanner compares: a backend by name, its place in the node order, and how to reach it.</summary>
internal sealed record ConflictNode(string Name, int Index, string ConnectionString);
