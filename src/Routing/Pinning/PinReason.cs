namespace Switchyard.Routing.Pinning;

/// <summary>Why a session must keep using the backend connection it holds: state that lives in that one
/// connection and cannot be replayed elsewhere. Several reasons can hold at once.</summary>
[Flags]
internal enum PinReason : ushort
{
    /// <summary>Nothing: the connection goes back to the pool after each statement.</summary>
    None = 0,

    /// <summary>A transaction is open (IN_TRANS), or autocommit is off so every statement is in one.</summary>
    Transaction = 1 << 0,

    /// <summary>A user variable was assigned (SET @a, SELECT @a := ...): it exists only in this connection.</summary>
    UserVariable = 1 << 1,

    /// <summary>A temporary table was created: it exists only in this connection.</summary>
    TemporaryTable = 1 << 2,

    /// <summary>GET_LOCK took a named lock, held by this connection until released.</summary>
    NamedLock = 1 << 3,

    /// <summary>LOCK TABLES / FLUSH TABLES WITH READ LOCK: held by this connection until UNLOCK TABLES.</summary>
    TableLock = 1 << 4,

    /// <summary>SQL-level PREPARE: the statement lives in this connection.</summary>
    SqlPrepare = 1 << 5,

    /// <summary>A prepared statement has an open cursor here; COM_STMT_FETCH reads from it.</summary>
    Cursor = 1 << 6,

    /// <summary>COM_STMT_SEND_LONG_DATA sent parameter data that the next EXECUTE on this connection uses.</summary>
    LongData = 1 << 7,

    /// <summary>COM_SET_OPTION changed multi-statement handling of this connection.</summary>
    ConnectionOption = 1 << 8,
}
