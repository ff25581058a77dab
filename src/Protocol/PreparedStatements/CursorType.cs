namespace Switchyard.Protocol.PreparedStatements;

/// <summary>The cursor bits of the COM_STMT_EXECUTE flags byte. Anything but <see cref="NoCursor"/> opens a
/// server-side cursor, so the statement's later COM_STMT_FETCHes must go to the same backend connection.</summary>
/// See https://mariadb.com/kb/en/com_stmt_execute/
[Flags]
public enum CursorType : byte
{
    /// <summary>CURSOR_TYPE_NO_CURSOR: the result set is sent right away.</summary>
    NoCursor = 0,
    /// <summary>CURSOR_TYPE_READ_ONLY: the server keeps a cursor; rows come with COM_STMT_FETCH.</summary>
    ReadOnly = 1,
    /// <summary>CURSOR_TYPE_FOR_UPDATE (reserved by the server, not implemented).</summary>
    ForUpdate = 2,
    /// <summary>CURSOR_TYPE_SCROLLABLE (reserved by the server, not implemented).</summary>
    Scrollable = 4,
}
