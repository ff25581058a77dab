namespace Switchyard.Protocol.Responses;

/// <summary>Reads one tracked system variable (session_track_system_variables) out of an OK packet's session
/// state data, e.g. <c>last_gtid</c> after a commit.</summary>
/// See https://mariadb.com/kb/en/ok_packet/#session-change-type
public static class TrackedVariable
{
    /// <summary>True when <paramref name="okPayload"/> (an OK packet of a connection with CLIENT_SESSION_TRACK) reports
    /// a new value of <paramref name="name"/>; a malformed packet is simply "not found" (never an exception): the
    /// caller then knows nothing, which it must treat as such.</summary>
    public static bool TryFind(ReadOnlySpan<byte> okPayload, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value) =>
        SessionStateReader.TryFindLast(okPayload, SessionStateType.SystemVariables, name, out _, out value);
}
