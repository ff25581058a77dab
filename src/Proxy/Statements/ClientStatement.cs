using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Statements;

/// <summary>A statement a client prepared, under an id the proxy gave it; it may be prepared on any number of
/// backend connections, each under the server's own id.</summary>
internal sealed class ClientStatement(uint id, string sql, string? schema, StatementClassification classification, ushort parameterCount)
{
    public uint Id { get; } = id;
    public string Sql { get; } = sql;

    /// <summary>What backend statements are shared by: the SQL text and the current database it was prepared in,
    /// since the server binds unqualified table names at PREPARE (the same text in another database is another
    /// statement).</summary>
    public string CacheKey { get; } = KeyFor(schema, sql);

    public StatementClassification Classification { get; } = classification;
    public ushort ParameterCount { get; } = parameterCount;

    /// <summary>Consistency tags of the prepared text: they apply to every EXECUTE of it.</summary>
    public StatementTags Tags { get; init; }

    /// <summary>The routing rule and digest taken at PREPARE: they apply to every EXECUTE of it.</summary>
    public Sessions.StatementPolicy Policy { get; init; }

    /// <summary>Parameter types from the client's last EXECUTE that sent them: replayed when a later EXECUTE
    /// without types runs on a backend statement that got other types (or none).</summary>
    public byte[]? Types { get; set; }

    /// <summary>Long data was sent for the next EXECUTE: it waits on the held connection.</summary>
    public bool HasLongData { get; set; }

    /// <summary>An EXECUTE opened a cursor on the held connection; FETCH reads from it.</summary>
    public bool HasCursor { get; set; }

    /// <summary>Where its backend statement was last found (only this session uses it). A field, so that it is
    /// updated in place.</summary>
    public BackendStatementMemo Memo;

    public static string KeyFor(string? schema, string sql) => $"{schema}\0{sql}";
}
