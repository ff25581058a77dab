namespace Switchyard.Proxy.Sessions;

/// <summary>The connection holding state the session depends on (a transaction, temporary tables, user
/// variables, locks) is gone: that state is lost, so the session cannot go on as if nothing happened.</summary>
internal sealed class PinnedBackendLostException(string message) : Exception(message);
