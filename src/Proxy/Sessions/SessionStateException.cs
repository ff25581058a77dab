using Switchyard.Protocol.Responses;

namespace Switchyard.Proxy.Sessions;

/// <summary>Replaying the session's state (schema, SET statements) on a pooled connection failed: the client gets
/// the server's error, prefixed with what the proxy was doing, and the statement is not run.</summary>
internal sealed class SessionStateException(string backend, string statement, ErrPacket error)
    : Exception($"Switchyard: restoring session state on backend '{backend}' failed ({statement}): {error.Message}")
{
    public ErrPacket Error { get; } = error;
}
