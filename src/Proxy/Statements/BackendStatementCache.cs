using System.Diagnostics.CodeAnalysis;

namespace Switchyard.Proxy.Statements;

/// <summary>
/// The statements prepared on one backend connection, keyed by SQL text, at most a configured number: the
/// least recently used is closed beyond it, so connections × this bound stays under the server's
/// max_prepared_stmt_count. Used by one session at a time (the connection's lessee), so not thread-safe.
/// </summary>
internal sealed class BackendStatementCache
{
    private readonly Dictionary<string, BackendStatement> _byText = new(StringComparer.Ordinal);
    private long _clock;
    private long _seenGeneration;

    public int Count => _byText.Count;

    /// <summary>Changes with every statement added, replaced, evicted or removed (see <see cref="BackendStatementMemo"/>).</summary>
    public long Version { get; private set; }

    /// <summary>Finds <paramref name="client"/>'s statement, first where it was last found.</summary>
    public bool TryGet(ClientStatement client, [NotNullWhen(true)] out BackendStatement? statement)
    {
        if (client.Memo.TryRecall(this, Version, out statement))
        {
            statement.LastUse = ++_clock;
            return true;
        }
        if (!TryGet(client.CacheKey, out var found))
            return false;
        client.Memo.Remember(this, Version, found);
        statement = found;
        return true;
    }

    /// <summary>Lookups by SQL text so far: the ones <see cref="BackendStatementMemo"/> could not answer.</summary>
    public long TextLookups { get; private set; }

    public bool TryGet(string sql, out BackendStatement statement)
    {
        TextLookups++;
        if (_byText.TryGetValue(sql, out statement!))
        {
            statement.LastUse = ++_clock;
            return true;
        }
        return false;
    }

    /// <summary>Adds a statement; ids of statements to close on the server (replaced or evicted) go to <paramref name="toClose"/>.</summary>
    public BackendStatement Add(string sql, uint id, ushort parameterCount, int capacity, List<uint> toClose)
    {
        if (_byText.Remove(sql, out var replaced))
            toClose.Add(replaced.Id);
        while (_byText.Count >= capacity && capacity > 0)
        {
            var oldest = _byText.MinBy(pair => pair.Value.LastUse);
            _byText.Remove(oldest.Key);
            toClose.Add(oldest.Value.Id);
        }
        var statement = new BackendStatement(id, parameterCount) { LastUse = ++_clock };
        _byText[sql] = statement;
        Version++;
        return statement;
    }

    public void Remove(string sql, List<uint> toClose)
    {
        if (_byText.Remove(sql, out var removed))
        {
            toClose.Add(removed.Id);
            Version++;
        }
    }

    /// <summary>Collects the statements whose text no client holds any more (only when that set changed).</summary>
    public void CollectUnused(StatementRegistry registry, List<uint> toClose)
    {
        var generation = registry.Generation;
        if (generation == _seenGeneration || _byText.Count == 0)
        {
            _seenGeneration = generation;
            return;
        }
        _seenGeneration = generation;
        List<string>? unused = null;
        foreach (var sql in _byText.Keys)
        {
            if (!registry.IsOpen(sql))
                (unused ??= []).Add(sql);
        }
        foreach (var sql in unused ?? [])
            Remove(sql, toClose);
    }

    /// <summary>The server forgot every statement (COM_CHANGE_USER / reset).</summary>
    public void Clear()
    {
        _byText.Clear();
        Version++;
    }
}
