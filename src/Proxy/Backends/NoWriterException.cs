namespace Switchyard.Proxy.Backends;

/// <summary>No writer of several can take writes; the message names every writer and why (what the client sees).</summary>
internal sealed class NoWriterException(string message) : Exception(message);
