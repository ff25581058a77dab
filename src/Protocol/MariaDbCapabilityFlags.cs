namespace Switchyard.Protocol;

/// <summary>MariaDB's extended capability bits (the upper 32 bits, sent in the handshake filler).</summary>
/// See https://mariadb.com/kb/en/connection/#capabilities
[Flags]
public enum MariaDbCapabilityFlags : uint
{
    None = 0,
    Progress = 1,
    ComMulti = 2,
    StmtBulkOperations = 4,
    ExtendedTypeInfo = 8,
    CacheMetadata = 16,
    BulkUnitResults = 32,
}
