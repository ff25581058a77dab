namespace Switchyard.Proxy.Conflicts;

/// <summary>A table cannot be compared as configured (missing, no such key, a version or timestamp column of the wrong
/// type): it is reported with the problem and the scan is incomplete.</summary>
internal sealed class TableCheckException(string message) : Exception(message);
