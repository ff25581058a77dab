namespace Switchyard.Protocol;

/// <summary>A peer sent bytes that do not follow the protocol. Only thrown while decoding packets the proxy
/// has to understand (handshakes, commands); forwarded traffic is never decoded.</summary>
public sealed class ProtocolException(string message) : Exception(message);
