namespace Switchyard.Protocol.Responses;

/// <summary>Kinds of entries in an OK packet's session state change data.</summary>
public enum SessionStateType : byte
{
    /// <summary>A tracked system variable changed (name, value) — e.g. last_gtid, autocommit.</summary>
    SystemVariables = 0,
    /// <summary>The current schema changed.</summary>
    Schema = 1,
    /// <summary>Some session state changed (temporary table, user variable, prepared statement …).</summary>
    StateChange = 2,
    /// <summary>MySQL session_track_gtids: an encoding byte (0 = text) and the GTID set text; see TrackedGtids.</summary>
    Gtids = 3,
    TransactionCharacteristics = 4,
    TransactionState = 5,
}
