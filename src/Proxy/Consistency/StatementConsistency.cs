using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Consistency;

/// <summary>What a statement's text says about consistency, found while it is classified: its comment tags, and —
/// for SQL that names @@switchyard.* or @@last_gtid — a statement the proxy answers itself.</summary>
internal readonly record struct StatementConsistency(StatementTags Tags, ProxyStatement? ProxyStatement)
{
    public static StatementConsistency From(ReadOnlySpan<byte> sql, Switchyard.Routing.Classification.ClassificationOptions options)
    {
        var tags = StatementTagParser.Parse(sql, options);
        var proxy = ProxyStatementParser.MayConcern(sql) != ProxyStatementParser.Mentions.None ? ProxyStatementParser.Parse(sql) : null;
        return new StatementConsistency(tags, proxy);
    }
}
