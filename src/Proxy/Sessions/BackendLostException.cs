namespace Switchyard.Proxy.Sessions;

/// <summary>The backend connection failed during a command. <see cref="ClientSawBytes"/>: part of the answer had
/// already reached the client, so the command cannot be answered with an error or replayed.</summary>
internal sealed class BackendLostException(string reason, bool clientSawBytes, Exception? inner = null) : Exception(reason, inner)
{
    public bool ClientSawBytes { get; } = clientSawBytes;
}
