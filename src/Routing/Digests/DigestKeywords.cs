using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Digests;

/// <summary>Words written in upper case in a digest whatever the client's spelling, so that <c>select</c> and
/// <c>SELECT</c> statements share one digest. Identifiers keep their case: on some servers it matters.</summary>
internal static class DigestKeywords
{
    private static readonly AsciiNameTable<bool> Table = new(
        new[]
        {
            "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "XOR", "IN", "IS", "NULL", "TRUE", "FALSE", "AS", "ON", "USING",
            "INSERT", "INTO", "VALUES", "VALUE", "REPLACE", "UPDATE", "SET", "DELETE", "IGNORE", "DUPLICATE", "KEY",
            "JOIN", "INNER", "LEFT", "RIGHT", "OUTER", "CROSS", "STRAIGHT_JOIN", "NATURAL",
            "ORDER", "GROUP", "BY", "HAVING", "LIMIT", "OFFSET", "ASC", "DESC", "DISTINCT", "ALL", "UNION", "EXCEPT", "INTERSECT",
            "BETWEEN", "LIKE", "REGEXP", "RLIKE", "EXISTS", "CASE", "WHEN", "THEN", "ELSE", "END", "INTERVAL", "COLLATE", "BINARY",
            "FOR", "LOCK", "SHARE", "MODE", "SKIP", "LOCKED", "NOWAIT", "WITH", "RECURSIVE", "RETURNING", "DIV", "MOD",
            "BEGIN", "START", "TRANSACTION", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "WORK", "READ", "WRITE", "ONLY",
            "SHOW", "DESCRIBE", "EXPLAIN", "CALL", "DO", "USE", "CREATE", "ALTER", "DROP", "TRUNCATE", "TABLE", "INDEX", "VIEW",
            "DATABASE", "SCHEMA", "IF", "TEMPORARY", "PRIMARY", "UNIQUE", "DEFAULT", "CONSTRAINT", "FOREIGN", "REFERENCES",
            "GLOBAL", "SESSION", "LOCAL", "NAMES", "CHARACTER", "PREPARE", "EXECUTE", "DEALLOCATE", "HANDLER", "LOAD", "DATA",
            "INFILE", "LOW_PRIORITY", "HIGH_PRIORITY", "DELAYED", "QUICK", "SQL_CALC_FOUND_ROWS", "SQL_NO_CACHE", "WINDOW", "OVER",
            "PARTITION", "ROWS", "RANGE", "PRECEDING", "FOLLOWING", "CURRENT", "ROW", "UNBOUNDED", "SEPARATOR", "ESCAPE",
        }.Select(k => KeyValuePair.Create(k, true)));

    public static bool IsKeyword(ReadOnlySpan<byte> word) => Table.TryGetValue(word, out _);
}
