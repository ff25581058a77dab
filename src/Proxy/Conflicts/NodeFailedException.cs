namespace Switchyard.Proxy.Conflicts;

/// <summary>A node went away (or stopped answering) during a scan: the scan is incomplete.</summary>
internal sealed class NodeFailedException(string node, Exception inner) : Exception($"node {node} failed: {inner.Message}", inner)
{
    public string Node { get; } = node;
}
