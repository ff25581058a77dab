using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Pinning;

/// <summary>Which pins a statement that succeeded starts or ends, from its classification. Transactions are
/// not here: the server's status flags decide those.</summary>
internal static class PinRules
{
    public static PinReason PinsFrom(StatementClassification statement)
    {
        var flags = statement.Flags;
        var pins = PinReason.None;
        if ((flags & StatementFlags.UserVariableAssignment) != 0)
            pins |= PinReason.UserVariable;
        if ((flags & StatementFlags.TemporaryTable) != 0)
            pins |= PinReason.TemporaryTable;
        if ((flags & StatementFlags.NamedLockAcquire) != 0)
            pins |= PinReason.NamedLock;
        if ((flags & StatementFlags.LockTables) != 0 && (flags & StatementFlags.TableUnlock) == 0)
            pins |= PinReason.TableLock;
        if ((flags & StatementFlags.SqlPrepare) != 0)
            pins |= PinReason.SqlPrepare;
        return pins;
    }

    /// <summary>Pins a statement ends: UNLOCK TABLES ends table locks, RELEASE_ALL_LOCKS() named locks. (A single
    /// RELEASE_LOCK may leave other locks held, so it ends nothing.)</summary>
    public static PinReason UnpinsFrom(StatementClassification statement)
    {
        var unpins = PinReason.None;
        if (statement.Has(StatementFlags.TableUnlock))
            unpins |= PinReason.TableLock;
        if (statement.Has(StatementFlags.ReleaseAllNamedLocks))
            unpins |= PinReason.NamedLock;
        return unpins;
    }
}
