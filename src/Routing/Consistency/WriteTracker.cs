namespace Switchyard.Routing.Consistency;

/// <summary>
/// Remembers the last write of each application user key, across all the connections that user is served on.
/// Bounded: entries older than the expiry are forgotten (a write that old is on every healthy replica), and beyond
/// the capacity the least recently written keys are evicted (counted in <see cref="Evictions"/>). Sized for a
/// million active users: a few dozen bytes per entry beyond the key, no lock shared by all readers.
/// Thread-safe.
/// </summary>
internal sealed class WriteTracker
{
    public WriteTracker(int capacity, TimeSpan expiry, TimeProvider time) => throw new NotImplementedException();

    /// <summary>Records a committed write of <paramref name="userKey"/>. GTIDs accumulate (union with the previous
    /// unexpired mark) so that writes in several domains are all waited for.</summary>
    public void RecordWrite(string userKey, GtidSet? gtid) => throw new NotImplementedException();

    /// <summary>The key's last write, if one is remembered and not expired.</summary>
    public bool TryGetLastWrite(string userKey, out WriteMark mark) => throw new NotImplementedException();

    /// <summary>Keys currently remembered.</summary>
    public int Count => throw new NotImplementedException();

    /// <summary>Keys dropped because the capacity was reached (not counting expiry).</summary>
    public long Evictions => throw new NotImplementedException();
}
