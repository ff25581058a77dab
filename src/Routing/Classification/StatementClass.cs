namespace Switchyard.Routing.Classification;

/// <summary>
/// What a statement does, as far as routing cares. Members are ordered from least to most restrictive:
/// the class of a multi-statement is the greatest class of its parts.
/// </summary>
internal enum StatementClass : byte
{
    /// <summary>
    /// Reads and changes nothing, so a replica may serve it — unless
    /// <see cref="StatementClassification.MustRunOnPrimary"/> is true because a primary-only detail was
    /// found (a locking read, SELECT ... INTO, a lock or sequence function, an unknown function, ...).
    /// Such statements stay <see cref="Read"/> so the reason is visible in the flags.
    /// </summary>
    Read = 0,

    /// <summary>
    /// Changes only this connection's state (SET session variables, user variables, USE, SET NAMES,
    /// SET TRANSACTION, PREPARE): the session-state tracker must record it, because a later statement may
    /// run on another backend that has to see the same state.
    /// </summary>
    SessionState = 1,

    /// <summary>
    /// Starts, ends or marks a transaction (BEGIN, START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, XA): it
    /// pins or releases the session's backend; the server's status flags confirm the outcome.
    /// </summary>
    TransactionControl = 2,

    /// <summary>
    /// Changes data, schema or server state (DML, DDL, CALL, DO, LOCK TABLES, SET GLOBAL, administration):
    /// only the primary may run it.
    /// </summary>
    Write = 3,

    /// <summary>
    /// Empty, unrecognised or of unknowable effect (EXECUTE): nothing proves it harmless, so it goes to
    /// the primary.
    /// </summary>
    Other = 4,
}
