namespace Switchyard.Protocol;

/// <summary>Error numbers and SQL states the proxy itself sends. Server errors are forwarded untouched.</summary>
public static class ErrorCodes
{
    public const ushort HandshakeError = 1043;       // ER_HANDSHAKE_ERROR, "Bad handshake"
    public const ushort AccessDenied = 1045;         // ER_ACCESS_DENIED_ERROR
    public const ushort UnknownCommand = 1047;       // ER_UNKNOWN_COM_ERROR
    public const ushort PacketTooLarge = 1153;       // ER_NET_PACKET_TOO_LARGE
    public const ushort NetPacketsOutOfOrder = 1156; // ER_NET_PACKETS_OUT_OF_ORDER
    public const ushort NetReadError = 1158;         // ER_NET_READ_ERROR
    public const ushort NotSupportedYet = 1235;      // ER_NOT_SUPPORTED_YET
    public const ushort UnknownStatement = 1243;     // ER_UNKNOWN_STMT_HANDLER
    public const ushort TooManyStatements = 1461;    // ER_MAX_PREPARED_STMT_COUNT_REACHED
    public const ushort ConnectionKilled = 1927;     // ER_CONNECTION_KILLED
    public const ushort CannotConnect = 2003;        // CR_CONN_HOST_ERROR: the backend could not be reached
    public const ushort ServerLost = 2013;           // CR_SERVER_LOST: the backend went away mid-command
    public const ushort ProxyUnavailable = 9001;     // Switchyard: no backend could serve the statement

    public const string StateAccessDenied = "28000";
    public const string StateCommunication = "08S01";
    public const string StateGeneral = "HY000";
    public const string StateUnknownCommand = "08S01";
}
