using System.Runtime.InteropServices;

namespace Switchyard.Proxy.Backends;

/// <summary>The idle connections of one profile, most recently returned last: leases take from the end, so the
/// connections at the start stay idle longest and are the ones the reaper closes. A lease may ask for a particular
/// connection, the one its session used last, and gets it wherever it is: there the session's prepared statements are
/// found where it last found them, and the server thread that serves it has its data in cache.</summary>
internal sealed class IdleConnections<T> where T : class
{
    private readonly List<T> _connections = [];

    public int Count => _connections.Count;

    public void Push(T connection) => _connections.Add(connection);

    /// <summary>Takes <paramref name="preferred"/> when it is here, else the most recently returned connection.</summary>
    public bool TryTake(T? preferred, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? connection)
    {
        var all = CollectionsMarshal.AsSpan(_connections);
        if (all.Length == 0)
        {
            connection = null;
            return false;
        }
        var index = all.Length - 1;
        if (preferred is not null)
        {
            // A scan of references only, over the few connections idle at a time.
            for (var i = index; i >= 0; i--)
            {
                if (ReferenceEquals(all[i], preferred))
                {
                    index = i;
                    break;
                }
            }
        }
        connection = all[index];
        _connections.RemoveAt(index);
        return true;
    }

    /// <summary>Takes out the connections for which <paramref name="expired"/> is true, keeping the others in their
    /// order.</summary>
    /// <returns>How many were taken out (added to <paramref name="removed"/>).</returns>
    public int RemoveExpired(Func<T, bool> expired, ref List<T>? removed)
    {
        var kept = 0;
        for (var i = 0; i < _connections.Count; i++)
        {
            var connection = _connections[i];
            if (expired(connection))
                (removed ??= []).Add(connection);
            else
                _connections[kept++] = connection;
        }
        var taken = _connections.Count - kept;
        _connections.RemoveRange(kept, taken);
        return taken;
    }

    public List<T>.Enumerator GetEnumerator() => _connections.GetEnumerator();
}
