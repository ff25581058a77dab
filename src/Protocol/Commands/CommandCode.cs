namespace Switchyard.Protocol.Commands;

/// <summary>The first byte of every client command packet.</summary>
/// See https://mariadb.com/kb/en/2-text-protocol/
public enum CommandCode : byte
{
    Sleep = 0x00,
    Quit = 0x01,
    InitDb = 0x02,
    Query = 0x03,
    FieldList = 0x04,
    CreateDb = 0x05,
    DropDb = 0x06,
    Refresh = 0x07,
    Shutdown = 0x08,
    Statistics = 0x09,
    ProcessInfo = 0x0A,
    Connect = 0x0B,
    ProcessKill = 0x0C,
    Debug = 0x0D,
    Ping = 0x0E,
    Time = 0x0F,
    DelayedInsert = 0x10,
    ChangeUser = 0x11,
    BinlogDump = 0x12,
    TableDump = 0x13,
    ConnectOut = 0x14,
    RegisterSlave = 0x15,
    StmtPrepare = 0x16,
    StmtExecute = 0x17,
    StmtSendLongData = 0x18,
    StmtClose = 0x19,
    StmtReset = 0x1A,
    SetOption = 0x1B,
    StmtFetch = 0x1C,
    Daemon = 0x1D,
    BinlogDumpGtid = 0x1E,
    ResetConnection = 0x1F,
    /// <summary>MariaDB: several commands in one packet. Not advertised, so clients do not send it.</summary>
    Multi = 0xFE,
    /// <summary>MariaDB bulk execute (needs STMT_BULK_OPERATIONS, which the proxy does not advertise).</summary>
    StmtBulkExecute = 0xFA,
}
