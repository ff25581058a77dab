namespace Switchyard.Routing.Classification;

/// <summary>
/// Classifies the many statements that begin with SET. Session-scoped assignments are
/// <see cref="StatementClass.SessionState"/>; any GLOBAL/PERSIST assignment makes the whole statement a
/// <see cref="StatementClass.Write"/> (server state, primary only); SET STATEMENT ... FOR stmt is stmt.
/// </summary>
internal static class SetStatementClassifier
{
    /// <summary>Classifies a SET statement; the lexer is positioned after SET.</summary>
    public static StatementClass Classify(ref SqlLexer lexer, int nesting, ref StatementFlags flags, out bool ownsRestOfText)
    {
        ownsRestOfText = false;
        SqlToken token = lexer.Next();
        if (token.IsEnd)
        {
            return StatementClass.Other;
        }

        if (lexer.IsWord(token, "STATEMENT"u8))
        {
            return ClassifySetStatementFor(ref lexer, nesting, ref flags, out ownsRestOfText);
        }

        if (lexer.IsWord(token, "TRANSACTION"u8) || lexer.IsWord(token, "ROLE"u8))
        {
            // SET TRANSACTION without a scope sets the next transaction's characteristics.
            return StatementClass.SessionState;
        }

        if (lexer.IsWord(token, "PASSWORD"u8) || lexer.IsWord(token, "DEFAULT"u8))
        {
            // SET PASSWORD and SET DEFAULT ROLE change the grant tables.
            return StatementClass.Write;
        }

        if (lexer.IsWord(token, "RESOURCE"u8))
        {
            return StatementClass.Other;
        }

        return ClassifyAssignments(ref lexer, token, ref flags);
    }

    // SET [GLOBAL|SESSION|LOCAL|PERSIST|PERSIST_ONLY] target = expr [, ...]. A scope keyword carries over to
    // the assignments after it until another one; for GLOBAL that is the conservative reading. NAMES x and
    // CHARACTER SET x are items of the same list: "SET NAMES utf8mb4, @a = 1, GLOBAL x = 2" is one statement.
    private static StatementClass ClassifyAssignments(ref SqlLexer lexer, SqlToken token, ref StatementFlags flags)
    {
        bool globalScope = false;
        bool anyGlobal = false;
        while (true)
        {
            if (IsCharsetItem(ref lexer, token, out bool valid))
            {
                if (!valid)
                {
                    return StatementClass.Other;
                }

                if (!QueryScanner.Scan(ref lexer, ref flags, withClause: false, depth: 0, stopAtTopLevelComma: true, out _))
                {
                    return anyGlobal ? StatementClass.Write : StatementClass.SessionState;
                }

                token = lexer.Next();
                continue;
            }

            if (IsGlobalScopeWord(ref lexer, token))
            {
                globalScope = true;
                token = lexer.Next();
            }
            else if (lexer.IsWord(token, "SESSION"u8) || lexer.IsWord(token, "LOCAL"u8))
            {
                globalScope = false;
                token = lexer.Next();
            }

            if (lexer.IsWord(token, "TRANSACTION"u8))
            {
                // SET SESSION TRANSACTION is session state; SET GLOBAL TRANSACTION changes the server default.
                return globalScope || anyGlobal ? StatementClass.Write : StatementClass.SessionState;
            }

            switch (token.Kind)
            {
                case SqlTokenKind.UserVariable:
                    flags |= StatementFlags.UserVariableAssignment;
                    break;
                case SqlTokenKind.SystemVariable:
                    ReadOnlySpan<byte> variable = lexer.TextOf(token);
                    bool isGlobal = IsGlobalSystemVariable(variable);
                    anyGlobal |= isGlobal;
                    if (!isGlobal && IsAutocommit(VariableName(variable)))
                    {
                        flags |= StatementFlags.AutocommitChange;
                    }

                    break;
                case SqlTokenKind.Word:
                case SqlTokenKind.QuotedIdentifier:
                    anyGlobal |= globalScope;
                    if (!globalScope && IsAutocommit(lexer.TextOf(token)))
                    {
                        flags |= StatementFlags.AutocommitChange;
                    }

                    break;
                default:
                    return StatementClass.Other;
            }

            token = lexer.Next();
            if (token.Kind == SqlTokenKind.Dot)
            {
                // A structured variable: keycache1.key_buffer_size.
                lexer.Next();
                token = lexer.Next();
            }

            if (token.Kind != SqlTokenKind.ColonEquals && !IsEqualsSign(ref lexer, token))
            {
                return StatementClass.Other;
            }

            bool more = QueryScanner.Scan(ref lexer, ref flags, withClause: false, depth: 0, stopAtTopLevelComma: true, out _);
            if (!more)
            {
                return anyGlobal ? StatementClass.Write : StatementClass.SessionState;
            }

            token = lexer.Next();
        }
    }

    // SET STATEMENT var = value [, ...] FOR stmt (MariaDB): the variables last only for stmt, so stmt decides.
    private static StatementClass ClassifySetStatementFor(ref SqlLexer lexer, int nesting, ref StatementFlags flags, out bool ownsRestOfText)
    {
        ownsRestOfText = false;
        int depth = 0;
        for (SqlToken token = lexer.Next(); !token.IsEnd; token = lexer.Next())
        {
            switch (token.Kind)
            {
                case SqlTokenKind.LeftParen:
                    depth++;
                    break;
                case SqlTokenKind.RightParen:
                    depth = Math.Max(0, depth - 1);
                    break;
                case SqlTokenKind.Word when depth == 0 && lexer.IsWord(token, "FOR"u8):
                    SqlToken inner = lexer.Next();
                    return inner.IsEnd
                        ? StatementClass.Other
                        : StatementClassifier.ClassifyStatement(ref lexer, inner, nesting + 1, ref flags, out ownsRestOfText);
            }
        }

        return StatementClass.Other;
    }

    /// <summary>
    /// True when <paramref name="token"/> starts a NAMES or CHARACTER SET / CHARSET item; for CHARACTER the
    /// SET after it is consumed, and <paramref name="valid"/> is false when it is missing.
    /// </summary>
    internal static bool IsCharsetItem(ref SqlLexer lexer, SqlToken token, out bool valid)
    {
        valid = true;
        if (lexer.IsWord(token, "NAMES"u8) || lexer.IsWord(token, "CHARSET"u8))
        {
            return true;
        }

        if (lexer.IsWord(token, "CHARACTER"u8))
        {
            valid = lexer.IsWord(lexer.Next(), "SET"u8);
            return true;
        }

        return false;
    }

    /// <summary>True for GLOBAL, PERSIST and PERSIST_ONLY: scopes that change the server, not the session.</summary>
    internal static bool IsGlobalScopeWord(ref SqlLexer lexer, SqlToken token) =>
        lexer.IsWord(token, "GLOBAL"u8) || lexer.IsWord(token, "PERSIST"u8) || lexer.IsWord(token, "PERSIST_ONLY"u8);

    /// <summary>True for @@global.x, @@persist.x and @@persist_only.x.</summary>
    internal static bool IsGlobalSystemVariable(ReadOnlySpan<byte> variable)
    {
        int dot = variable.IndexOf((byte)'.');
        if (dot < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> scope = variable.Slice(2, dot - 2);
        return System.Text.Ascii.EqualsIgnoreCase(scope, "GLOBAL"u8)
               || System.Text.Ascii.EqualsIgnoreCase(scope, "PERSIST"u8)
               || System.Text.Ascii.EqualsIgnoreCase(scope, "PERSIST_ONLY"u8);
    }

    /// <summary>The name of a system variable without "@@" and scope: @@session.sql_mode → sql_mode.</summary>
    internal static ReadOnlySpan<byte> VariableName(ReadOnlySpan<byte> variable)
    {
        int dot = variable.IndexOf((byte)'.');
        return dot >= 0 ? variable.Slice(dot + 1) : variable.Slice(2);
    }

    internal static bool IsEqualsSign(ref SqlLexer lexer, SqlToken token) =>
        token.Kind == SqlTokenKind.Operator && lexer.TextOf(token)[0] == (byte)'=';

    private static bool IsAutocommit(ReadOnlySpan<byte> name) =>
        System.Text.Ascii.EqualsIgnoreCase(name, "AUTOCOMMIT"u8) || System.Text.Ascii.EqualsIgnoreCase(name, "`AUTOCOMMIT`"u8);
}
