namespace Switchyard.Routing.Classification;

/// <summary>The first word of a statement, grouped by how the classifier handles it.</summary>
internal enum LeadingKeyword : byte
{
    /// <summary>SELECT: scanned for primary-only details.</summary>
    Select,

    /// <summary>WITH: a CTE list, then the main statement decides read or write.</summary>
    With,

    /// <summary>VALUES / TABLE (MySQL 8, MariaDB): table value constructors, read like SELECT.</summary>
    ValuesOrTable,

    /// <summary>SHOW.</summary>
    Show,

    /// <summary>EXPLAIN, DESCRIBE, DESC: never execute the statement (unless followed by ANALYZE).</summary>
    Explain,

    /// <summary>ANALYZE: ANALYZE TABLE writes statistics; ANALYZE stmt executes stmt.</summary>
    Analyze,

    /// <summary>HELP: reads the help tables.</summary>
    Help,

    /// <summary>SET.</summary>
    Set,

    /// <summary>USE db.</summary>
    Use,

    /// <summary>BEGIN [WORK] or BEGIN NOT ATOMIC (a MariaDB compound statement).</summary>
    Begin,

    /// <summary>START TRANSACTION or START SLAVE/REPLICA.</summary>
    Start,

    /// <summary>COMMIT.</summary>
    Commit,

    /// <summary>ROLLBACK, including ROLLBACK TO SAVEPOINT.</summary>
    Rollback,

    /// <summary>SAVEPOINT.</summary>
    Savepoint,

    /// <summary>RELEASE SAVEPOINT.</summary>
    Release,

    /// <summary>XA.</summary>
    Xa,

    /// <summary>LOCK TABLES / LOCK INSTANCE and UNLOCK.</summary>
    LockOrUnlock,

    /// <summary>FLUSH (may take a global read lock).</summary>
    Flush,

    /// <summary>CREATE (temporary tables, stored programs whose body holds ';').</summary>
    Create,

    /// <summary>DROP (temporary tables, DROP PREPARE).</summary>
    Drop,

    /// <summary>PREPARE, DEALLOCATE: named prepared statements are session state.</summary>
    PrepareOrDeallocate,

    /// <summary>EXECUTE, EXECUTE IMMEDIATE: the statement run is not visible.</summary>
    Execute,

    /// <summary>DO expr: evaluates and may take locks.</summary>
    Do,

    /// <summary>GET DIAGNOSTICS.</summary>
    Get,

    /// <summary>A statement that always writes or changes server state.</summary>
    Write,

    /// <summary>IF/CASE/LOOP/WHILE/REPEAT outside a stored program (MariaDB): a compound statement whose
    /// body contains ';', so the rest of the text belongs to it.</summary>
    Compound,
}
