using Switchyard.Protocol.Commands;

namespace Switchyard.Protocol.Responses;

/// <summary>What a server sends back for a command, as far as finding its end is concerned.</summary>
public enum ResponseShape : byte
{
    /// <summary>No response at all (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA, COM_QUIT).</summary>
    None,
    /// <summary>OK, ERR, a LOCAL INFILE request, or one or more result sets (COM_QUERY, COM_STMT_EXECUTE).</summary>
    ResultSets,
    /// <summary>Exactly one OK, EOF or ERR packet (COM_PING, COM_INIT_DB, COM_SET_OPTION, …).</summary>
    SinglePacket,
    /// <summary>Exactly one packet of free text, never interpreted (COM_STATISTICS).</summary>
    RawSinglePacket,
    /// <summary>Column definitions up to an EOF, or an ERR (COM_FIELD_LIST).</summary>
    FieldList,
    /// <summary>COM_STMT_PREPARE_OK with parameter and column definitions, or an ERR.</summary>
    Prepare,
    /// <summary>Binary rows up to an EOF, or an ERR (COM_STMT_FETCH).</summary>
    Fetch,
}

public static class ResponseShapes
{
    public static ResponseShape For(CommandCode command) => command switch
    {
        CommandCode.Query or CommandCode.StmtExecute => ResponseShape.ResultSets,
        CommandCode.StmtClose or CommandCode.StmtSendLongData or CommandCode.Quit => ResponseShape.None,
        CommandCode.Statistics => ResponseShape.RawSinglePacket,
        CommandCode.FieldList => ResponseShape.FieldList,
        CommandCode.StmtPrepare => ResponseShape.Prepare,
        CommandCode.StmtFetch => ResponseShape.Fetch,
        _ => ResponseShape.SinglePacket,
    };
}
