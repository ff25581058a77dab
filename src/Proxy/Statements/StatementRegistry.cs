namespace Switchyard.Proxy.Statements;

/// <summary>
/// Counts, per SQL text, the client statements prepared through the proxy and not yet closed. Backend
/// statements are shared by text across sessions; once no client holds a text any more, each connection
/// closes its backend statement for it the next time it is used (see <see cref="BackendStatementCache"/>).
/// </summary>
internal sealed class StatementRegistry
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _generation;

    /// <summary>Changes whenever a text loses its last client statement.</summary>
    public long Generation => Volatile.Read(ref _generation);

    public void Acquire(string sql)
    {
        lock (_lock)
            _open[sql] = _open.GetValueOrDefault(sql) + 1;
    }

    public void Release(string sql)
    {
        lock (_lock)
        {
            if (!_open.TryGetValue(sql, out var count))
                return;
            if (count > 1)
            {
                _open[sql] = count - 1;
                return;
            }
            _open.Remove(sql);
            Interlocked.Increment(ref _generation);
        }
    }

    public bool IsOpen(string sql)
    {
        lock (_lock)
            return _open.ContainsKey(sql);
    }
}
