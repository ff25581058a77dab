namespace Switchyard.Routing.Health;

/// <summary>A Galera node's <c>wsrep_local_state</c>: where it is in joining and serving the cluster.</summary>
/// <remarks>See https://galeracluster.com/library/documentation/node-states.html</remarks>
internal enum WsrepLocalState : byte
{
    /// <summary>0: not connected to a cluster yet (or the value could not be read).</summary>
    Undefined = 0,

    /// <summary>1: connected and receiving (or waiting for) a state transfer; its data is incomplete.</summary>
    Joining = 1,

    /// <summary>2: donating a state transfer to a joiner, or desynced by <c>wsrep_desync=ON</c>: it applies writesets
    /// but flow control no longer waits for it, so it may fall behind the cluster.</summary>
    DonorDesynced = 2,

    /// <summary>3: has the state transfer and is applying the writesets queued since; still behind.</summary>
    Joined = 3,

    /// <summary>4: in step with the cluster: the only state in which a node serves.</summary>
    Synced = 4,
}
