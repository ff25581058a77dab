using Switchyard.Protocol;

namespace Switchyard.Proxy.Sessions;

/// <summary>Who a client is once authenticated, and what it negotiated.</summary>
internal sealed record ClientIdentity(
    string User,
    CapabilityFlags Capabilities,
    byte Collation,
    string? Schema,
    byte[] Scramble,
    byte NextSequenceId);
