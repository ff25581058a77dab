namespace Switchyard.Routing.Classification;

/// <summary>
/// Routing-relevant details of a statement. The low 16 bits are reasons the statement must run on the
/// primary (<see cref="StatementClassification.PrimaryReasons"/>); the high bits are information for
/// transaction and session tracking that does not by itself decide the backend.
/// </summary>
[Flags]
internal enum StatementFlags : uint
{
    /// <summary>Nothing special.</summary>
    None = 0,

    /// <summary>FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE: row locks exist only on the primary.</summary>
    LockingRead = 1u << 0,

    /// <summary>SELECT ... INTO @var / OUTFILE / DUMPFILE: it sets session state or writes a server file.</summary>
    IntoVariableOrFile = 1u << 1,

    /// <summary>GET_LOCK, RELEASE_LOCK, RELEASE_ALL_LOCKS, IS_FREE_LOCK, IS_USED_LOCK: named locks are per
    /// server, so every lock call of a session must reach the same server (the primary).</summary>
    LockFunction = 1u << 2,

    /// <summary>LAST_INSERT_ID(), @@identity, @@last_insert_id: the value belongs to the connection that
    /// ran the INSERT, which is on the primary.</summary>
    LastInsertId = 1u << 3,

    /// <summary>FOUND_ROWS(), ROW_COUNT(), SQL_CALC_FOUND_ROWS: they refer to the previous statement, so
    /// both must run on the same connection (the primary).</summary>
    FoundRows = 1u << 4,

    /// <summary>NEXTVAL, LASTVAL, SETVAL, NEXT/PREVIOUS VALUE FOR, seq.nextval: sequences advance on the
    /// primary, and LASTVAL is per connection.</summary>
    Sequence = 1u << 5,

    /// <summary>A call to a function that is not a known read-only built-in (or a schema-qualified one):
    /// it may be a stored function that writes.</summary>
    UnknownFunctionMayWrite = 1u << 6,

    /// <summary>SELECT @a := ..., SET @a = ...: user variables live in one connection, so the session is
    /// pinned to the primary.</summary>
    UserVariableAssignment = 1u << 7,

    /// <summary>CREATE/DROP TEMPORARY TABLE: the table exists only in one connection on the primary.</summary>
    TemporaryTable = 1u << 8,

    /// <summary>LOCK TABLES, UNLOCK TABLES, FLUSH TABLES WITH READ LOCK / FOR EXPORT: table locks are per
    /// connection and per server.</summary>
    LockTables = 1u << 9,

    /// <summary>PREPARE, EXECUTE, DEALLOCATE PREPARE: prepared statements live in one connection, and the
    /// prepared text is not visible to EXECUTE.</summary>
    SqlPrepare = 1u << 10,

    /// <summary>XA ...: distributed transactions must stay on the primary.</summary>
    Xa = 1u << 11,

    /// <summary>SHOW MASTER/SLAVE/REPLICA STATUS, SHOW BINARY LOGS, ...: replication state differs per
    /// server; the primary is the one stable answer.</summary>
    ReplicationStatus = 1u << 12,

    /// <summary>The text was truncated (the caller said so, or a string/comment is unterminated): the
    /// unseen rest might write, so the statement goes to the primary.</summary>
    Truncated = 1u << 13,

    /// <summary>More than one statement was found (the client uses multi-statements).</summary>
    MultiStatement = 1u << 16,

    /// <summary>BEGIN, START TRANSACTION, XA START, COMMIT/ROLLBACK AND CHAIN: a transaction starts.</summary>
    TransactionStart = 1u << 17,

    /// <summary>COMMIT, ROLLBACK (not to a savepoint), XA COMMIT/ROLLBACK: the transaction ends.</summary>
    TransactionEnd = 1u << 18,

    /// <summary>START TRANSACTION READ ONLY: the transaction cannot write, so a replica could serve it.</summary>
    ReadOnlyTransaction = 1u << 19,

    /// <summary>SET autocommit = ...: the session's transaction mode changes.</summary>
    AutocommitChange = 1u << 20,

    /// <summary>SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO SAVEPOINT: inside a transaction, which it neither
    /// starts nor ends.</summary>
    Savepoint = 1u << 21,

    /// <summary>SHOW WARNINGS/ERRORS, SHOW COUNT(*) WARNINGS, GET DIAGNOSTICS: they describe the previous
    /// statement, so they belong on the backend that ran it.</summary>
    PreviousStatementDiagnostics = 1u << 22,

    /// <summary>GET_LOCK: the connection may now hold a named lock, so the session must stay on it. Set with
    /// <see cref="LockFunction"/>, which alone does not say whether a lock was taken (IS_FREE_LOCK).</summary>
    NamedLockAcquire = 1u << 23,

    /// <summary>RELEASE_ALL_LOCKS(): every named lock of the connection is released, so a pin for named locks
    /// may end (when no <see cref="NamedLockAcquire"/> came with it). Set with <see cref="LockFunction"/>.</summary>
    ReleaseAllNamedLocks = 1u << 24,

    /// <summary>UNLOCK TABLES / UNLOCK INSTANCE: the table (or instance) locks of the connection are released.
    /// Set with <see cref="LockTables"/>, which keeps the statement itself on the primary.</summary>
    TableUnlock = 1u << 25,
}
