namespace Switchyard.Routing.Consistency;

/// <summary>
/// One lock's worth of <see cref="WriteTracker"/>: a dictionary from key to a slot of a node array, the nodes linked
/// from most to least recently written so that eviction and expiry both take from the old end in O(1).
/// </summary>
/// <remarks>Nodes are structs in one array, linked by index, so an entry costs its dictionary slot (24 bytes plus
/// a 4-byte bucket) and a 32-byte node, with no object per entry; the GtidSet is shared with the caller.</remarks>
internal sealed class WriteTrackerShard
{
    private const int None = -1;
    private const int InitialNodes = 16;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private Node[] _nodes = [];
    private int _used;
    private int _free = None;
    private int _newest = None;
    private int _oldest = None;

    /// <summary>Records a write at <paramref name="now"/>.</summary>
    /// <returns>How the number of keys changed: +1 for a new key, minus the expired keys dropped on the way.</returns>
    public int Record(string key, GtidSet? gtid, long now, long expiryTicks)
    {
        lock (_lock)
        {
            int change = -RemoveExpiredLocked(now, expiryTicks);
            if (_index.TryGetValue(key, out int slot))
            {
                ref Node node = ref _nodes[slot];
                if (IsExpired(node.Timestamp, now, expiryTicks))
                {
                    // Writers read the clock before taking the lock, so the list can be out of order by a hair and
                    // an expired mark may have escaped the sweep above: it must not lend its GTIDs to the new write.
                    node.Gtid = gtid;
                }
                else
                {
                    // The previous write's GTID unknown means the accumulated set cannot be known either: claiming
                    // the new GTID alone would let a reader miss the earlier write, so the mark falls back to time.
                    node.Gtid = gtid is null || node.Gtid is null ? null : node.Gtid.Union(gtid);
                }

                node.Timestamp = Math.Max(node.Timestamp, now);
                Unlink(slot);
                LinkNewest(slot);
                return change;
            }

            slot = Allocate();
            _nodes[slot] = new Node { Key = key, Gtid = gtid, Timestamp = now };
            LinkNewest(slot);
            _index.Add(key, slot);
            return change + 1;
        }
    }

    /// <summary>Finds the key's unexpired mark. An expired one found on the way is dropped (<paramref name="removed"/>).</summary>
    public bool TryGet(string key, long now, long expiryTicks, out WriteMark mark, out bool removed)
    {
        lock (_lock)
        {
            removed = false;
            if (!_index.TryGetValue(key, out int slot))
            {
                mark = default;
                return false;
            }

            ref Node node = ref _nodes[slot];
            if (IsExpired(node.Timestamp, now, expiryTicks))
            {
                Remove(slot);
                removed = true;
                mark = default;
                return false;
            }

            mark = new WriteMark(node.Timestamp, node.Gtid);
            return true;
        }
    }

    /// <summary>Drops the least recently written key unless it is the only one (the key just written).</summary>
    /// <returns>1 when a key was evicted for capacity, 0 when none could be, -1 when the oldest had expired anyway.</returns>
    public int EvictOldest(long now, long expiryTicks)
    {
        lock (_lock)
        {
            if (_oldest == None || _oldest == _newest)
            {
                return 0;
            }

            bool expired = IsExpired(_nodes[_oldest].Timestamp, now, expiryTicks);
            Remove(_oldest);
            return expired ? -1 : 1;
        }
    }

    /// <summary>Drops every expired key; returns how many.</summary>
    public int RemoveExpired(long now, long expiryTicks)
    {
        lock (_lock)
        {
            return RemoveExpiredLocked(now, expiryTicks);
        }
    }

    private static bool IsExpired(long timestamp, long now, long expiryTicks) => now - timestamp >= expiryTicks;

    private int RemoveExpiredLocked(long now, long expiryTicks)
    {
        // The list is in write order, so the expired keys are all at the old end.
        int removed = 0;
        while (_oldest != None && IsExpired(_nodes[_oldest].Timestamp, now, expiryTicks))
        {
            Remove(_oldest);
            removed++;
        }

        return removed;
    }

    private int Allocate()
    {
        if (_free != None)
        {
            int slot = _free;
            _free = _nodes[slot].Older;
            return slot;
        }

        if (_used == _nodes.Length)
        {
            Array.Resize(ref _nodes, Math.Max(InitialNodes, _nodes.Length * 2));
        }

        return _used++;
    }

    private void Remove(int slot)
    {
        Unlink(slot);
        _index.Remove(_nodes[slot].Key);
        _nodes[slot] = new Node { Older = _free };
        _free = slot;
    }

    private void LinkNewest(int slot)
    {
        ref Node node = ref _nodes[slot];
        node.Newer = None;
        node.Older = _newest;
        if (_newest != None)
        {
            _nodes[_newest].Newer = slot;
        }

        _newest = slot;
        if (_oldest == None)
        {
            _oldest = slot;
        }
    }

    private void Unlink(int slot)
    {
        ref Node node = ref _nodes[slot];
        if (node.Newer != None)
        {
            _nodes[node.Newer].Older = node.Older;
        }
        else
        {
            _newest = node.Older;
        }

        if (node.Older != None)
        {
            _nodes[node.Older].Newer = node.Newer;
        }
        else
        {
            _oldest = node.Newer;
        }
    }

    private struct Node
    {
        public string Key;
        public GtidSet? Gtid;
        public long Timestamp;

        // Neighbours in write order (slots, or None); a free slot uses Older as the next free slot.
        public int Newer;
        public int Older;
    }
}
