namespace Switchyard.Protocol;

/// <summary>Client/server capability bits (lower 32 bits).</summary>
/// See https://mariadb.com/kb/en/connection/#capabilities
[Flags]
public enum CapabilityFlags : uint
{
    None = 0,
    /// <summary>MySQL: long passwords. MariaDB servers clear it to say "extended capabilities follow".</summary>
    LongPassword = 1,
    FoundRows = 2,
    LongFlag = 4,
    ConnectWithDb = 8,
    NoSchema = 0x10,
    Compress = 0x20,
    Odbc = 0x40,
    LocalFiles = 0x80,
    IgnoreSpace = 0x100,
    Protocol41 = 0x200,
    Interactive = 0x400,
    Ssl = 0x800,
    IgnoreSigpipe = 0x1000,
    Transactions = 0x2000,
    Reserved = 0x4000,
    SecureConnection = 0x8000,
    MultiStatements = 0x10000,
    MultiResults = 0x20000,
    PreparedStatementMultiResults = 0x40000,
    PluginAuth = 0x80000,
    ConnectAttributes = 0x100000,
    PluginAuthLengthEncodedClientData = 0x200000,
    CanHandleExpiredPasswords = 0x400000,
    SessionTrack = 0x800000,
    DeprecateEof = 0x1000000,
    OptionalResultsetMetadata = 0x2000000,
    ZstdCompression = 0x4000000,
    QueryAttributes = 0x8000000,
    MultiFactorAuthentication = 0x10000000,
    SslVerifyServerCertificate = 0x40000000,
    RememberOptions = 0x80000000,
}
