using System.Diagnostics.CodeAnalysis;

namespace Switchyard.Proxy.Statements;

/// <summary>
/// Where one client statement was last found prepared, on the last two connections it ran on (the session's held
/// connection, or the lanes of two replicas taking turns). Every EXECUTE looks its backend statement up; found here, it
/// costs neither hashing the SQL text nor reading the connection's cache entries, which are cold by the time the
/// session runs again. An entry holds while the cache's <see cref="BackendStatementCache.Version"/> is the one it was
/// taken at: any change to that cache's statements makes it stale. A struct kept in the client statement's own
/// fields, which the EXECUTE reads anyway: remembering costs no object of its own to reach. The cache of a connection
/// that closed stays referenced until the entry is replaced: at most two per client statement.
/// </summary>
internal struct BackendStatementMemo
{
    private Entry _first;
    private Entry _second;

    public bool TryRecall(BackendStatementCache cache, long version, [NotNullWhen(true)] out BackendStatement? statement)
    {
        if (_first.Matches(cache, version))
        {
            statement = _first.Statement!;
            return true;
        }
        if (_second.Matches(cache, version))
        {
            // The entry just used goes first, so a miss replaces the other one.
            (_first, _second) = (_second, _first);
            statement = _first.Statement!;
            return true;
        }
        statement = null;
        return false;
    }

    public void Remember(BackendStatementCache cache, long version, BackendStatement statement)
    {
        if (!ReferenceEquals(_first.Cache, cache))
            _second = _first;
        _first = new Entry(cache, version, statement);
    }

    private readonly record struct Entry(BackendStatementCache? Cache, long Version, BackendStatement? Statement)
    {
        public bool Matches(BackendStatementCache cache, long version) => ReferenceEquals(Cache, cache) && Version == version;
    }
}
