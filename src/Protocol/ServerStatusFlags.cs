namespace Switchyard.Protocol;

/// <summary>Status bits from OK and EOF packets: the server's own word on transaction and result state.</summary>
[Flags]
public enum ServerStatusFlags : ushort
{
    None = 0,
    /// <summary>A transaction is open; the session must stay on this backend connection.</summary>
    InTransaction = 1,
    /// <summary>Autocommit is on.</summary>
    Autocommit = 2,
    /// <summary>Another result follows this one in the same response.</summary>
    MoreResultsExist = 8,
    NoGoodIndexUsed = 0x10,
    NoIndexUsed = 0x20,
    /// <summary>A COM_STMT_EXECUTE opened a cursor: rows come later through COM_STMT_FETCH.</summary>
    CursorExists = 0x40,
    /// <summary>A COM_STMT_FETCH returned the last row of the cursor.</summary>
    LastRowSent = 0x80,
    DatabaseDropped = 0x100,
    NoBackslashEscapes = 0x200,
    MetadataChanged = 0x400,
    QueryWasSlow = 0x800,
    PsOutParams = 0x1000,
    /// <summary>The transaction is read-only (START TRANSACTION READ ONLY).</summary>
    InReadOnlyTransaction = 0x2000,
    /// <summary>The OK packet carries session state change data.</summary>
    SessionStateChanged = 0x4000,
}
