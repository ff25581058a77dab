namespace Switchyard.Routing.Pinning;

/// <summary>
/// Why a client session must keep its current backend connection instead of returning it to the pool
/// between statements (multiplexing). A session is pinned while any reason is set.
/// </summary>
[Flags]
internal enum PinReason : ushort
{
    /// <summary>Not pinned: the connection may go back to the pool after the statement.</summary>
    None = 0,

    /// <summary>A transaction is open (SERVER_STATUS_IN_TRANS, or autocommit off). Set and cleared by the caller
    /// from the server's status flags, which are authoritative; <see cref="PinRules"/> never returns it.</summary>
    Transaction = 1 << 0,

    /// <summary>A user variable was assigned (SET @a, SELECT @a := ...): its value lives only in this
    /// connection and is not replayed. Lasts until the session ends or is reset.</summary>
    UserVariable = 1 << 1,

    /// <summary>A temporary table was created: it exists only in this connection. Lasts until the session ends
    /// or is reset (DROP TEMPORARY TABLE does not unpin: other temporary tables may remain).</summary>
    TemporaryTable = 1 << 2,

    /// <summary>GET_LOCK was called: named locks belong to the connection. Ends with RELEASE_ALL_LOCKS()
    /// (RELEASE_LOCK of one name cannot tell whether others are still held).</summary>
    NamedLock = 1 << 3,

    /// <summary>LOCK TABLES, FLUSH TABLES ... WITH READ LOCK or LOCK INSTANCE: the locks belong to the
    /// connection. Ends with UNLOCK TABLES / UNLOCK INSTANCE.</summary>
    TableLock = 1 << 4,

    /// <summary>PREPARE (SQL-level prepared statement): the statement lives in this connection. Lasts until the
    /// session ends or is reset (DEALLOCATE does not unpin: others may remain).</summary>
    SqlPrepare = 1 << 5,

    /// <summary>SQL_CALC_FOUND_ROWS or a write just ran: FOUND_ROWS() / ROW_COUNT() in the next statement
    /// refer to it. Lasts for the next statement only.</summary>
    FoundRows = 1 << 6,

    /// <summary>A write just ran: LAST_INSERT_ID() in the next statement refers to it. Lasts for the next
    /// statement only.</summary>
    LastInsertId = 1 << 7,

    /// <summary>A server-side cursor is open (COM_STMT_EXECUTE with a cursor flag) until it is fetched to the
    /// end, closed or reset. Set and cleared by the caller from the protocol.</summary>
    Cursor = 1 << 8,

    /// <summary>COM_STMT_SEND_LONG_DATA has sent parameter data that waits for the next COM_STMT_EXECUTE on
    /// this connection. Set and cleared by the caller from the protocol.</summary>
    LongData = 1 << 9,

    /// <summary>A multi-statement that changed session state failed part-way, so which of its SET/USE parts ran
    /// is unknown and the tracked state cannot be trusted. Set by the caller; lasts until the session ends or
    /// is reset.</summary>
    MultiStatementState = 1 << 10,

    /// <summary>COM_SET_OPTION switched multi-statement handling of this one connection. Set by the caller.</summary>
    ConnectionOption = 1 << 11,
}
