namespace Switchyard.Proxy.Sessions;

/// <summary>The client disconnected or stopped following the protocol in the middle of a command.</summary>
internal sealed class ClientGoneException(string reason, Exception? inner = null) : Exception(reason, inner);
