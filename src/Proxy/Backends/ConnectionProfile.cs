using Switchyard.Protocol;

namespace Switchyard.Proxy.Backends;

/// <summary>
/// What a pooled backend connection must share with the client it serves: the capability bits that change
/// framing or semantics, and the character set negotiated in the handshake. Pools are kept per profile so
/// that bytes can pass through untouched.
/// </summary>
public readonly record struct ConnectionProfile(CapabilityFlags Capabilities, byte Collation)
{
    /// <summary>Bits that change what the server sends or does, so client and backend connection must agree.</summary>
    public const CapabilityFlags Mask =
        CapabilityFlags.FoundRows | CapabilityFlags.IgnoreSpace | CapabilityFlags.Interactive |
        CapabilityFlags.LocalFiles | CapabilityFlags.MultiStatements | CapabilityFlags.MultiResults |
        CapabilityFlags.PreparedStatementMultiResults | CapabilityFlags.SessionTrack | CapabilityFlags.DeprecateEof |
        CapabilityFlags.Odbc | CapabilityFlags.NoSchema;

    /// <summary>Always used on backend connections, whatever the client negotiated.</summary>
    public const CapabilityFlags Base =
        CapabilityFlags.LongPassword | CapabilityFlags.LongFlag | CapabilityFlags.Protocol41 | CapabilityFlags.Transactions |
        CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth | CapabilityFlags.PluginAuthLengthEncodedClientData;

    public static ConnectionProfile For(CapabilityFlags clientCapabilities, byte collation) =>
        new(clientCapabilities & Mask, collation);

    public bool DeprecateEof => (Capabilities & CapabilityFlags.DeprecateEof) != 0;
}
