namespace Switchyard.Routing.Sessions;

/// <summary>Which piece of movable session state a setting is; with a name, the key of a <see cref="SessionState"/> entry.</summary>
internal enum SessionSettingKind : byte
{
    /// <summary>A session system variable, keyed by its lower-case name (sql_mode, time_zone, ...).</summary>
    Variable,

    /// <summary>SET NAMES or SET CHARACTER SET: one key, the later replaces the earlier.</summary>
    Charset,

    /// <summary>The session's isolation level, set by SET SESSION TRANSACTION ISOLATION LEVEL or by the
    /// tx_isolation / transaction_isolation variable: one key whichever form was used.</summary>
    Isolation,

    /// <summary>The session's transaction access mode, set by SET SESSION TRANSACTION READ ONLY|WRITE or by the
    /// tx_read_only / transaction_read_only variable.</summary>
    ReadOnly,

    /// <summary>SET ROLE.</summary>
    Role,
}
