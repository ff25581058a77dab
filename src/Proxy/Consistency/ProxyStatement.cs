namespace Switchyard.Proxy.Consistency;

/// <summary>What kind of statement the proxy answers itself.</summary>
internal enum ProxyStatementKind : byte
{
    /// <summary><c>SET @@switchyard.name = value, …</c>.</summary>
    Set,
    /// <summary><c>SELECT @@switchyard.name, @@last_gtid, …</c>: a one-row result set.</summary>
    Select,
    /// <summary>Mentions @@switchyard variables in a form the proxy does not answer (mixed with other assignments or
    /// expressions): an ERR, so that nothing half-applies.</summary>
    Unsupported,
}

/// <summary>One variable of a proxy statement.</summary>
/// <param name="Name">Lower-case: <c>switchyard.consistency</c>, <c>switchyard.user_id</c>, <c>last_gtid</c>, or an
/// unknown <c>switchyard.*</c> name (reported as unknown).</param>
/// <param name="Value">SET: the value (quotes removed); null for DEFAULT or NULL.</param>
/// <param name="Text">SELECT: the item as written (the column name the server would give it).</param>
internal sealed record ProxyVariable(string Name, string? Value, string Text);

/// <summary>A statement about the proxy's own session variables, parsed from SQL that mentions them.</summary>
internal sealed record ProxyStatement(ProxyStatementKind Kind, IReadOnlyList<ProxyVariable> Variables);
