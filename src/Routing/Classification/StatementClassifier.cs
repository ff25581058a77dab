using System.Text;

namespace Switchyard.Routing.Classification;

/// <summary>
/// Classifies the SQL text of a COM_QUERY for routing: read, write, transaction control, session state
/// or other, with the details that pin a statement to the primary. Pure and allocation-free; it runs for
/// every statement on the proxy's hot path.
/// </summary>
/// <remarks>
/// <para>Multi-statements: every part is classified; the class is the most restrictive part's (see the
/// order of <see cref="StatementClass"/>), the flags are the union, and
/// <see cref="StatementFlags.MultiStatement"/> is set. A multi-statement of reads only stays a
/// <see cref="StatementClass.Read"/> and may go to a replica: nothing in it can write.</para>
/// <para>Stored-program definitions (CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT, BEGIN NOT ATOMIC, IF, ...)
/// contain ';' in their bodies, so the rest of the text is taken as part of them.</para>
/// </remarks>
internal static class StatementClassifier
{
    // Nesting of statements in statements (ANALYZE stmt, EXPLAIN ANALYZE stmt, SET STATEMENT ... FOR stmt);
    // real SQL needs two levels, the limit stops hostile input from recursing deeply.
    private const int MaxNesting = 4;

    private static readonly AsciiNameTable<LeadingKeyword> LeadingKeywords =
        new(new Dictionary<string, LeadingKeyword>
        {
            ["SELECT"] = LeadingKeyword.Select,
            ["WITH"] = LeadingKeyword.With,
            ["VALUES"] = LeadingKeyword.ValuesOrTable,
            ["TABLE"] = LeadingKeyword.ValuesOrTable,
            ["SHOW"] = LeadingKeyword.Show,
            ["EXPLAIN"] = LeadingKeyword.Explain,
            ["DESCRIBE"] = LeadingKeyword.Explain,
            ["DESC"] = LeadingKeyword.Explain,
            ["ANALYZE"] = LeadingKeyword.Analyze,
            ["HELP"] = LeadingKeyword.Help,
            ["SET"] = LeadingKeyword.Set,
            ["USE"] = LeadingKeyword.Use,
            ["BEGIN"] = LeadingKeyword.Begin,
            ["START"] = LeadingKeyword.Start,
            ["COMMIT"] = LeadingKeyword.Commit,
            ["ROLLBACK"] = LeadingKeyword.Rollback,
            ["SAVEPOINT"] = LeadingKeyword.Savepoint,
            ["RELEASE"] = LeadingKeyword.Release,
            ["XA"] = LeadingKeyword.Xa,
            ["LOCK"] = LeadingKeyword.LockOrUnlock,
            ["UNLOCK"] = LeadingKeyword.LockOrUnlock,
            ["FLUSH"] = LeadingKeyword.Flush,
            ["CREATE"] = LeadingKeyword.Create,
            ["DROP"] = LeadingKeyword.Drop,
            ["PREPARE"] = LeadingKeyword.PrepareOrDeallocate,
            ["DEALLOCATE"] = LeadingKeyword.PrepareOrDeallocate,
            ["EXECUTE"] = LeadingKeyword.Execute,
            ["DO"] = LeadingKeyword.Do,
            ["GET"] = LeadingKeyword.Get,
            ["INSERT"] = LeadingKeyword.Write,
            ["UPDATE"] = LeadingKeyword.Write,
            ["DELETE"] = LeadingKeyword.Write,
            ["REPLACE"] = LeadingKeyword.Write,
            ["LOAD"] = LeadingKeyword.Write,
            ["ALTER"] = LeadingKeyword.Write,
            ["RENAME"] = LeadingKeyword.Write,
            ["TRUNCATE"] = LeadingKeyword.Write,
            ["CALL"] = LeadingKeyword.Write,
            ["HANDLER"] = LeadingKeyword.Write,
            ["GRANT"] = LeadingKeyword.Write,
            ["REVOKE"] = LeadingKeyword.Write,
            ["KILL"] = LeadingKeyword.Write,
            ["OPTIMIZE"] = LeadingKeyword.Write,
            ["REPAIR"] = LeadingKeyword.Write,
            ["CHECK"] = LeadingKeyword.Write,
            ["CHECKSUM"] = LeadingKeyword.Write,
            ["INSTALL"] = LeadingKeyword.Write,
            ["UNINSTALL"] = LeadingKeyword.Write,
            ["CHANGE"] = LeadingKeyword.Write,
            ["STOP"] = LeadingKeyword.Write,
            ["PURGE"] = LeadingKeyword.Write,
            ["RESET"] = LeadingKeyword.Write,
            ["BINLOG"] = LeadingKeyword.Write,
            ["SIGNAL"] = LeadingKeyword.Write,
            ["RESIGNAL"] = LeadingKeyword.Write,
            ["SHUTDOWN"] = LeadingKeyword.Write,
            ["RESTART"] = LeadingKeyword.Write,
            ["CLONE"] = LeadingKeyword.Write,
            ["IMPORT"] = LeadingKeyword.Write,
            ["CACHE"] = LeadingKeyword.Write,
            ["BACKUP"] = LeadingKeyword.Write,
            ["IF"] = LeadingKeyword.Compound,
            ["CASE"] = LeadingKeyword.Compound,
            ["LOOP"] = LeadingKeyword.Compound,
            ["WHILE"] = LeadingKeyword.Compound,
            ["REPEAT"] = LeadingKeyword.Compound,
        });

    /// <summary>Classifies UTF-8 SQL text: the start of a COM_QUERY payload.</summary>
    /// <param name="sql">The statement text, possibly several statements, possibly cut short.</param>
    /// <param name="options">Whether the text was cut at a cap, and the session's backslash mode.</param>
    public static StatementClassification Classify(ReadOnlySpan<byte> sql, ClassificationOptions options = ClassificationOptions.None)
    {
        var lexer = new SqlLexer(sql, backslashEscapes: (options & ClassificationOptions.NoBackslashEscapes) == 0);
        var statementClass = StatementClass.Other;
        var flags = StatementFlags.None;
        int statements = 0;

        do
        {
            SqlToken first = lexer.Next();
            if (first.IsEnd)
            {
                // An empty statement: ";;", a trailing ';' or only comments.
                continue;
            }

            StatementClass part = ClassifyStatement(ref lexer, first, nesting: 0, ref flags, out bool ownsRestOfText);
            statementClass = statements == 0 || part > statementClass ? part : statementClass;
            statements++;
            if (ownsRestOfText)
            {
                SkipToEndOfInput(ref lexer);
                break;
            }

            lexer.SkipToStatementEnd();
        }
        while (lexer.BeginNextStatement());

        if (statements > 1)
        {
            flags |= StatementFlags.MultiStatement;
        }

        if (lexer.IsIncomplete || (options & ClassificationOptions.Truncated) != 0)
        {
            flags |= StatementFlags.Truncated;
        }

        return new StatementClassification(statementClass, flags);
    }

    /// <summary>Classifies SQL text given as a string (tests and tools; this overload allocates).</summary>
    public static StatementClassification Classify(string sql, ClassificationOptions options = ClassificationOptions.None) =>
        Classify(Encoding.UTF8.GetBytes(sql), options);

    /// <summary>
    /// Classifies one statement whose first token has been read. Leaves the lexer anywhere inside the
    /// statement; the caller skips the rest.
    /// </summary>
    /// <param name="ownsRestOfText">True for a stored-program definition or compound statement, whose body
    /// holds ';' and so runs to the end of the text.</param>
    internal static StatementClass ClassifyStatement(
        ref SqlLexer lexer, SqlToken first, int nesting, ref StatementFlags flags, out bool ownsRestOfText)
    {
        ownsRestOfText = false;
        if (nesting > MaxNesting)
        {
            return StatementClass.Other;
        }

        int depth = 0;
        while (first.Kind == SqlTokenKind.LeftParen)
        {
            depth++;
            first = lexer.Next();
        }

        if (first.Kind != SqlTokenKind.Word
            || !LeadingKeywords.TryGetValue(lexer.TextOf(first), out LeadingKeyword keyword))
        {
            return StatementClass.Other;
        }

        if (depth > 0 && keyword is not (LeadingKeyword.Select or LeadingKeyword.With or LeadingKeyword.ValuesOrTable))
        {
            // Only a query expression may be parenthesised: "(SELECT 1) UNION (SELECT 2)".
            return StatementClass.Other;
        }

        switch (keyword)
        {
            case LeadingKeyword.Select:
            case LeadingKeyword.ValuesOrTable:
                return ScanQuery(ref lexer, ref flags, withClause: false, depth);
            case LeadingKeyword.With:
                return ScanQuery(ref lexer, ref flags, withClause: true, depth);
            case LeadingKeyword.Show:
                return ClassifyShow(ref lexer, ref flags);
            case LeadingKeyword.Explain:
                return ClassifyExplain(ref lexer, nesting, ref flags, out ownsRestOfText);
            case LeadingKeyword.Analyze:
                return ClassifyAnalyze(ref lexer, nesting, ref flags, out ownsRestOfText);
            case LeadingKeyword.Help:
                return StatementClass.Read;
            case LeadingKeyword.Set:
                return SetStatementClassifier.Classify(ref lexer, nesting, ref flags, out ownsRestOfText);
            case LeadingKeyword.Use:
                return StatementClass.SessionState;
            case LeadingKeyword.Begin:
                return ClassifyBegin(ref lexer, ref flags, out ownsRestOfText);
            case LeadingKeyword.Start:
                return ClassifyStart(ref lexer, ref flags);
            case LeadingKeyword.Commit:
                return ClassifyCommitOrRollback(ref lexer, ref flags, isRollback: false);
            case LeadingKeyword.Rollback:
                return ClassifyCommitOrRollback(ref lexer, ref flags, isRollback: true);
            case LeadingKeyword.Savepoint:
                flags |= StatementFlags.Savepoint;
                return StatementClass.TransactionControl;
            case LeadingKeyword.Release:
                if (lexer.IsWord(lexer.Next(), "SAVEPOINT"u8))
                {
                    flags |= StatementFlags.Savepoint;
                    return StatementClass.TransactionControl;
                }

                return StatementClass.Other;
            case LeadingKeyword.Xa:
                return ClassifyXa(ref lexer, ref flags);
            case LeadingKeyword.LockOrUnlock:
                flags |= lexer.IsWord(first, "UNLOCK"u8)
                    ? StatementFlags.LockTables | StatementFlags.TableUnlock
                    : StatementFlags.LockTables;
                return StatementClass.Write;
            case LeadingKeyword.Flush:
                return ClassifyFlush(ref lexer, ref flags);
            case LeadingKeyword.Create:
                return ClassifyCreate(ref lexer, ref flags, out ownsRestOfText);
            case LeadingKeyword.Drop:
                return ClassifyDrop(ref lexer, ref flags);
            case LeadingKeyword.PrepareOrDeallocate:
                flags |= StatementFlags.SqlPrepare;
                return StatementClass.SessionState;
            case LeadingKeyword.Execute:
                flags |= StatementFlags.SqlPrepare;
                return StatementClass.Other;
            case LeadingKeyword.Do:
                // DO runs on the primary anyway; the scan records lock functions so the session can be pinned.
                ScanQuery(ref lexer, ref flags, withClause: false, depth: 0);
                return StatementClass.Write;
            case LeadingKeyword.Get:
                flags |= StatementFlags.PreviousStatementDiagnostics;
                return StatementClass.Other;
            case LeadingKeyword.Compound:
                ownsRestOfText = true;
                return StatementClass.Write;
            default:
                return StatementClass.Write;
        }
    }

    private static StatementClass ScanQuery(ref SqlLexer lexer, ref StatementFlags flags, bool withClause, int depth)
    {
        QueryScanner.Scan(ref lexer, ref flags, withClause, depth, stopAtTopLevelComma: false, out StatementClass statementClass);
        return statementClass;
    }

    private static StatementClass ClassifyShow(ref SqlLexer lexer, ref StatementFlags flags)
    {
        SqlToken what = lexer.Next();
        if (lexer.IsWord(what, "WARNINGS"u8) || lexer.IsWord(what, "ERRORS"u8) || lexer.IsWord(what, "COUNT"u8))
        {
            flags |= StatementFlags.PreviousStatementDiagnostics;
        }
        else if (lexer.IsWord(what, "MASTER"u8) || lexer.IsWord(what, "SLAVE"u8) || lexer.IsWord(what, "REPLICA"u8)
                 || lexer.IsWord(what, "REPLICAS"u8) || lexer.IsWord(what, "BINARY"u8) || lexer.IsWord(what, "BINLOG"u8)
                 || lexer.IsWord(what, "RELAYLOG"u8) || lexer.IsWord(what, "ALL"u8))
        {
            // SHOW ALL SLAVES STATUS is MariaDB's multi-source form.
            flags |= StatementFlags.ReplicationStatus;
        }

        return StatementClass.Read;
    }

    // EXPLAIN and DESCRIBE never execute the statement they describe, so even "EXPLAIN DELETE" is a read;
    // only EXPLAIN ANALYZE (MySQL 8) runs it.
    private static StatementClass ClassifyExplain(ref SqlLexer lexer, int nesting, ref StatementFlags flags, out bool ownsRestOfText)
    {
        ownsRestOfText = false;
        while (true)
        {
            SqlToken token = lexer.Next();
            if (lexer.IsWord(token, "EXTENDED"u8) || lexer.IsWord(token, "PARTITIONS"u8))
            {
                continue;
            }

            if (lexer.IsWord(token, "FORMAT"u8))
            {
                SkipOptionValue(ref lexer);
                continue;
            }

            if (lexer.IsWord(token, "INTO"u8))
            {
                // EXPLAIN FORMAT=JSON INTO @var (MySQL 8.1) assigns a user variable.
                flags |= StatementFlags.UserVariableAssignment;
                lexer.Next();
                continue;
            }

            if (lexer.IsWord(token, "ANALYZE"u8))
            {
                return ClassifyAnalyze(ref lexer, nesting, ref flags, out ownsRestOfText);
            }

            return StatementClass.Read;
        }
    }

    // ANALYZE TABLE writes statistics (and to the binary log); ANALYZE stmt (MariaDB) and EXPLAIN ANALYZE
    // stmt (MySQL) execute stmt, so they are whatever stmt is.
    private static StatementClass ClassifyAnalyze(ref SqlLexer lexer, int nesting, ref StatementFlags flags, out bool ownsRestOfText)
    {
        ownsRestOfText = false;
        SqlToken token = lexer.Next();
        if (lexer.IsWord(token, "TABLE"u8) || lexer.IsWord(token, "TABLES"u8)
            || lexer.IsWord(token, "NO_WRITE_TO_BINLOG"u8) || lexer.IsWord(token, "LOCAL"u8))
        {
            return StatementClass.Write;
        }

        if (lexer.IsWord(token, "FORMAT"u8))
        {
            SkipOptionValue(ref lexer);
            token = lexer.Next();
        }

        return token.IsEnd
            ? StatementClass.Other
            : ClassifyStatement(ref lexer, token, nesting + 1, ref flags, out ownsRestOfText);
    }

    // Skips "= value" (or just "value") after an option name such as FORMAT.
    private static void SkipOptionValue(ref SqlLexer lexer)
    {
        SqlToken token = lexer.Next();
        if (token.Kind == SqlTokenKind.Operator)
        {
            lexer.Next();
        }
    }

    private static StatementClass ClassifyBegin(ref SqlLexer lexer, ref StatementFlags flags, out bool ownsRestOfText)
    {
        ownsRestOfText = false;
        SqlToken token = lexer.Next();
        if (token.IsEnd || lexer.IsWord(token, "WORK"u8))
        {
            flags |= StatementFlags.TransactionStart;
            return StatementClass.TransactionControl;
        }

        if (lexer.IsWord(token, "NOT"u8))
        {
            // BEGIN NOT ATOMIC ... END: a MariaDB compound statement, anything may happen inside.
            ownsRestOfText = true;
            return StatementClass.Write;
        }

        return StatementClass.Other;
    }

    private static StatementClass ClassifyStart(ref SqlLexer lexer, ref StatementFlags flags)
    {
        if (!lexer.IsWord(lexer.Next(), "TRANSACTION"u8))
        {
            // START SLAVE / REPLICA / GROUP_REPLICATION ...
            return StatementClass.Write;
        }

        flags |= StatementFlags.TransactionStart;
        SqlToken previous = default;
        for (SqlToken token = lexer.Next(); !token.IsEnd; token = lexer.Next())
        {
            if (lexer.IsWord(token, "ONLY"u8) && lexer.IsWord(previous, "READ"u8))
            {
                flags |= StatementFlags.ReadOnlyTransaction;
            }

            previous = token;
        }

        return StatementClass.TransactionControl;
    }

    // COMMIT [WORK] [AND [NO] CHAIN] [[NO] RELEASE]; ROLLBACK likewise, or ROLLBACK [WORK] TO [SAVEPOINT] x,
    // which stays inside the transaction.
    private static StatementClass ClassifyCommitOrRollback(ref SqlLexer lexer, ref StatementFlags flags, bool isRollback)
    {
        var found = StatementFlags.TransactionEnd;
        SqlToken previous = default;
        for (SqlToken token = lexer.Next(); !token.IsEnd; token = lexer.Next())
        {
            if (isRollback && lexer.IsWord(token, "TO"u8))
            {
                flags |= StatementFlags.Savepoint;
                return StatementClass.TransactionControl;
            }

            if (lexer.IsWord(token, "CHAIN"u8) && !lexer.IsWord(previous, "NO"u8))
            {
                // AND CHAIN starts the next transaction at once.
                found |= StatementFlags.TransactionStart;
            }

            previous = token;
        }

        flags |= found;
        return StatementClass.TransactionControl;
    }

    private static StatementClass ClassifyXa(ref SqlLexer lexer, ref StatementFlags flags)
    {
        SqlToken verb = lexer.Next();
        if (lexer.IsWord(verb, "START"u8) || lexer.IsWord(verb, "BEGIN"u8))
        {
            flags |= StatementFlags.Xa | StatementFlags.TransactionStart;
        }
        else if (lexer.IsWord(verb, "COMMIT"u8) || lexer.IsWord(verb, "ROLLBACK"u8))
        {
            flags |= StatementFlags.Xa | StatementFlags.TransactionEnd;
        }
        else if (lexer.IsWord(verb, "END"u8) || lexer.IsWord(verb, "PREPARE"u8) || lexer.IsWord(verb, "RECOVER"u8))
        {
            flags |= StatementFlags.Xa;
        }
        else
        {
            return StatementClass.Other;
        }

        return StatementClass.TransactionControl;
    }

    private static StatementClass ClassifyFlush(ref SqlLexer lexer, ref StatementFlags flags)
    {
        // FLUSH TABLES [t, ...] WITH READ LOCK and FLUSH TABLES t FOR EXPORT hold locks in this connection.
        for (SqlToken token = lexer.Next(); !token.IsEnd; token = lexer.Next())
        {
            if (lexer.IsWord(token, "LOCK"u8) || lexer.IsWord(token, "EXPORT"u8))
            {
                flags |= StatementFlags.LockTables;
            }
        }

        return StatementClass.Write;
    }

    // Reads the words between CREATE and the object type: OR REPLACE, DEFINER = x, ALGORITHM = x,
    // SQL SECURITY x, TEMPORARY, AGGREGATE ...
    private static StatementClass ClassifyCreate(ref SqlLexer lexer, ref StatementFlags flags, out bool ownsRestOfText)
    {
        ownsRestOfText = false;
        for (SqlToken token = lexer.Next(); !token.IsEnd && token.Kind != SqlTokenKind.LeftParen; token = lexer.Next())
        {
            if (lexer.IsWord(token, "TEMPORARY"u8))
            {
                flags |= StatementFlags.TemporaryTable;
            }
            else if (lexer.IsWord(token, "PROCEDURE"u8) || lexer.IsWord(token, "FUNCTION"u8)
                     || lexer.IsWord(token, "TRIGGER"u8) || lexer.IsWord(token, "EVENT"u8)
                     || lexer.IsWord(token, "PACKAGE"u8))
            {
                ownsRestOfText = true;
                break;
            }
            else if (lexer.IsWord(token, "TABLE"u8) || lexer.IsWord(token, "VIEW"u8) || lexer.IsWord(token, "INDEX"u8)
                     || lexer.IsWord(token, "DATABASE"u8) || lexer.IsWord(token, "SCHEMA"u8)
                     || lexer.IsWord(token, "SEQUENCE"u8) || lexer.IsWord(token, "USER"u8))
            {
                break;
            }
        }

        return StatementClass.Write;
    }

    private static StatementClass ClassifyDrop(ref SqlLexer lexer, ref StatementFlags flags)
    {
        SqlToken token = lexer.Next();
        if (lexer.IsWord(token, "PREPARE"u8))
        {
            // DROP PREPARE is a synonym of DEALLOCATE PREPARE.
            flags |= StatementFlags.SqlPrepare;
            return StatementClass.SessionState;
        }

        if (lexer.IsWord(token, "TEMPORARY"u8))
        {
            flags |= StatementFlags.TemporaryTable;
        }

        return StatementClass.Write;
    }

    // Lexes the rest of the text (a stored program's body) without splitting at ';'.
    private static void SkipToEndOfInput(ref SqlLexer lexer)
    {
        do
        {
            lexer.SkipToStatementEnd();
        }
        while (lexer.BeginNextStatement());
    }
}
