using Switchyard.Protocol;

namespace Switchyard.Proxy.Sessions;

/// <summary>What the server's answer to one command says about the session, read from the response scanner.</summary>
/// <param name="HasStatus">The answer carried status flags (an OK or EOF), so <paramref name="Status"/> is the server's word.</param>
/// <param name="KeepForNext">The next command is expected on the same connection (after COM_STMT_PREPARE: its first execute).</param>
internal readonly record struct CommandOutcome(
    bool HasStatus,
    ServerStatusFlags Status,
    bool IsError,
    ushort Warnings,
    ulong LastInsertId,
    bool CursorOpened = false,
    bool KeepForNext = false);
