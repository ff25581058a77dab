namespace Switchyard.Proxy.Statements;

/// <summary>A statement prepared on one backend connection.</summary>
internal sealed class BackendStatement(uint id, ushort parameterCount)
{
    public uint Id { get; } = id;
    public ushort ParameterCount { get; } = parameterCount;

    /// <summary>The parameter types the server last got for it (an EXECUTE with new-params-bound): an EXECUTE
    /// without types only works if these are the types the client means.</summary>
    public byte[]? BoundTypes { get; set; }

    public long LastUse { get; set; }
}
