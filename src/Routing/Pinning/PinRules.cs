using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Pinning;

/// <summary>
/// Maps the classification of a statement that has just run on the primary to the pins it starts and ends.
/// Pure; the caller keeps the session's <see cref="PinReason"/> and applies <see cref="After"/> once the
/// statement succeeded.
/// </summary>
/// <remarks>
/// The flags of a multi-statement are a union without order, so a multi-statement never ends a pin it might
/// also have started ("LOCK TABLES ...; UNLOCK TABLES" stays pinned): pinning too long costs only
/// multiplexing, unpinning too early breaks the session.
/// </remarks>
internal static class PinRules
{
    /// <summary>Reasons that last for one statement: the caller drops them after the next statement.</summary>
    public const PinReason NextStatementOnly = PinReason.FoundRows | PinReason.LastInsertId;

    /// <summary>The reasons a statement starts.</summary>
    public static PinReason PinsFrom(StatementClassification statement)
    {
        StatementFlags flags = statement.Flags;
        var pins = PinReason.None;
        if ((flags & StatementFlags.UserVariableAssignment) != 0)
        {
            pins |= PinReason.UserVariable;
        }

        if ((flags & StatementFlags.TemporaryTable) != 0)
        {
            pins |= PinReason.TemporaryTable;
        }

        if ((flags & StatementFlags.NamedLockAcquire) != 0)
        {
            pins |= PinReason.NamedLock;
        }

        if ((flags & StatementFlags.LockTables) != 0
            && ((flags & StatementFlags.TableUnlock) == 0 || (flags & StatementFlags.MultiStatement) != 0))
        {
            pins |= PinReason.TableLock;
        }

        if ((flags & StatementFlags.SqlPrepare) != 0)
        {
            // PREPARE pins; EXECUTE and DEALLOCATE only reach a connection that is already pinned by it.
            pins |= PinReason.SqlPrepare;
        }

        if ((flags & StatementFlags.FoundRows) != 0)
        {
            pins |= PinReason.FoundRows;
        }

        if (statement.Class is StatementClass.Write or StatementClass.Other)
        {
            // Any write may be followed by LAST_INSERT_ID() or ROW_COUNT() about it.
            pins |= PinReason.LastInsertId | PinReason.FoundRows;
        }

        return pins;
    }

    /// <summary>The reasons a statement ends (only lasting ones; see <see cref="NextStatementOnly"/>).</summary>
    public static PinReason ReleasedBy(StatementClassification statement)
    {
        StatementFlags flags = statement.Flags;
        if ((flags & StatementFlags.MultiStatement) != 0)
        {
            return PinReason.None;
        }

        var released = PinReason.None;
        if ((flags & StatementFlags.TableUnlock) != 0)
        {
            released |= PinReason.TableLock;
        }

        if ((flags & StatementFlags.ReleaseAllNamedLocks) != 0 && (flags & StatementFlags.NamedLockAcquire) == 0)
        {
            released |= PinReason.NamedLock;
        }

        return released;
    }

    /// <summary>
    /// The one-statement pins a statement depends on: run it on the pinned connection if the session holds
    /// them (LAST_INSERT_ID(), FOUND_ROWS(), ROW_COUNT() refer to the previous statement's connection).
    /// </summary>
    public static PinReason NeededBy(StatementClassification statement)
    {
        var needed = PinReason.None;
        if ((statement.Flags & StatementFlags.LastInsertId) != 0)
        {
            needed |= PinReason.LastInsertId;
        }

        if ((statement.Flags & StatementFlags.FoundRows) != 0)
        {
            needed |= PinReason.FoundRows;
        }

        return needed;
    }

    /// <summary>
    /// The session's pins after <paramref name="statement"/> ran successfully: the previous one-statement pins
    /// lapse, the statement's releases apply, then its new pins.
    /// </summary>
    public static PinReason After(PinReason current, StatementClassification statement) =>
        (current & ~NextStatementOnly & ~ReleasedBy(statement)) | PinsFrom(statement);
}
