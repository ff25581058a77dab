namespace Switchyard.Routing.Classification;

/// <summary>
/// Scans the tokens of a query (SELECT, WITH, VALUES, TABLE, a DO or SET expression) for the details
/// that make a read primary-only: locking clauses, INTO, function calls, user-variable assignment and
/// sequence access. One pass with two tokens of look-behind and no look-ahead.
/// </summary>
internal static class QueryScanner
{
    /// <summary>
    /// Scans to the end of the statement (or, with <paramref name="stopAtTopLevelComma"/>, to the first
    /// comma outside parentheses, which ends one SET assignment), adding what it finds to
    /// <paramref name="flags"/>.
    /// </summary>
    /// <param name="lexer">Positioned after the statement's first keyword (or the '=' of an assignment).</param>
    /// <param name="flags">Receives the details found.</param>
    /// <param name="withClause">The statement began with WITH: until the CTE list ends, a name before '('
    /// is a CTE column list, and the first word after it decides read or write.</param>
    /// <param name="depth">Parentheses already open (a statement starting with "((SELECT").</param>
    /// <param name="stopAtTopLevelComma">Stop after a comma at depth 0 and return true.</param>
    /// <param name="statementClass"><see cref="StatementClass.Read"/>, or for a WITH statement
    /// <see cref="StatementClass.Write"/> when the main statement is UPDATE/DELETE/INSERT/REPLACE and
    /// <see cref="StatementClass.Other"/> when no main statement was found.</param>
    /// <returns>True when the scan stopped at a top-level comma rather than the end of the statement.</returns>
    public static bool Scan(
        ref SqlLexer lexer,
        ref StatementFlags flags,
        bool withClause,
        int depth,
        bool stopAtTopLevelComma,
        out StatementClass statementClass)
    {
        statementClass = StatementClass.Read;
        bool inCteList = withClause;
        int baseDepth = depth;
        SqlToken previous = default;
        SqlToken beforePrevious = default;

        while (true)
        {
            SqlToken token = lexer.Next();
            switch (token.Kind)
            {
                case SqlTokenKind.End:
                case SqlTokenKind.Semicolon:
                    if (inCteList)
                    {
                        statementClass = StatementClass.Other;
                    }

                    return false;

                case SqlTokenKind.Comma when stopAtTopLevelComma && depth == baseDepth:
                    return true;

                case SqlTokenKind.LeftParen:
                    if (inCteList && depth == baseDepth)
                    {
                        // "WITH a AS (...) (SELECT ...)": a parenthesised main query; otherwise a column list.
                        if (previous.Kind == SqlTokenKind.RightParen)
                        {
                            inCteList = false;
                        }
                    }
                    else
                    {
                        flags |= FlagsForCall(ref lexer, previous, beforePrevious);
                    }

                    depth++;
                    break;

                case SqlTokenKind.RightParen:
                    if (depth > 0)
                    {
                        depth--;
                    }

                    break;

                case SqlTokenKind.ColonEquals:
                    flags |= StatementFlags.UserVariableAssignment;
                    break;

                case SqlTokenKind.SystemVariable:
                    if (IsLastInsertIdVariable(lexer.TextOf(token)))
                    {
                        flags |= StatementFlags.LastInsertId;
                    }

                    break;

                case SqlTokenKind.Word:
                    if (inCteList && depth == baseDepth && previous.Kind == SqlTokenKind.RightParen)
                    {
                        // The first word after a CTE body that is not AS is the main statement.
                        if (lexer.IsWord(token, "UPDATE"u8) || lexer.IsWord(token, "DELETE"u8)
                            || lexer.IsWord(token, "INSERT"u8) || lexer.IsWord(token, "REPLACE"u8))
                        {
                            statementClass = StatementClass.Write;
                            return false;
                        }

                        if (lexer.IsWord(token, "SELECT"u8) || lexer.IsWord(token, "VALUES"u8)
                            || lexer.IsWord(token, "TABLE"u8))
                        {
                            inCteList = false;
                        }
                        else if (!lexer.IsWord(token, "AS"u8))
                        {
                            statementClass = StatementClass.Other;
                            return false;
                        }
                    }
                    else
                    {
                        flags |= FlagsForWord(ref lexer, token, previous);
                    }

                    break;
            }

            beforePrevious = previous;
            previous = token;
        }
    }

    // A word matters only in a few combinations; switching on the length keeps the common case to one
    // comparison or none.
    private static StatementFlags FlagsForWord(ref SqlLexer lexer, SqlToken word, SqlToken previous)
    {
        switch (word.Length)
        {
            case 2 when lexer.IsWord(word, "IN"u8) && lexer.IsWord(previous, "LOCK"u8):
                return StatementFlags.LockingRead;
            case 4 when lexer.IsWord(word, "INTO"u8):
                return StatementFlags.IntoVariableOrFile;
            case 5 when lexer.IsWord(word, "SHARE"u8) && lexer.IsWord(previous, "FOR"u8):
                return StatementFlags.LockingRead;
            case 5 when lexer.IsWord(word, "VALUE"u8)
                        && (lexer.IsWord(previous, "NEXT"u8) || lexer.IsWord(previous, "PREVIOUS"u8)):
                return StatementFlags.Sequence;
            case 6 when lexer.IsWord(word, "UPDATE"u8) && lexer.IsWord(previous, "FOR"u8):
                return StatementFlags.LockingRead;
            case 7 when previous.Kind == SqlTokenKind.Dot
                        && (lexer.IsWord(word, "NEXTVAL"u8) || lexer.IsWord(word, "CURRVAL"u8)):
                // Oracle-mode "seq.nextval".
                return StatementFlags.Sequence;
            case 19 when lexer.IsWord(word, "SQL_CALC_FOUND_ROWS"u8):
                return StatementFlags.FoundRows;
            default:
                return StatementFlags.None;
        }
    }

    // Called for every '(': decides whether the token before it names a function, and what calling it means.
    private static StatementFlags FlagsForCall(ref SqlLexer lexer, SqlToken name, SqlToken beforeName)
    {
        // "AS x(a, b)" and ") x(a, b)" are derived-table column lists; after AS also a type in CAST.
        if (beforeName.Kind == SqlTokenKind.RightParen || lexer.IsWord(beforeName, "AS"u8))
        {
            return StatementFlags.None;
        }

        switch (name.Kind)
        {
            case SqlTokenKind.Word:
                // "db.f(": a schema-qualified name is always a stored function.
                return beforeName.Kind == SqlTokenKind.Dot
                    ? StatementFlags.UnknownFunctionMayWrite
                    : BuiltInFunctions.FlagsForCall(lexer.TextOf(name));
            case SqlTokenKind.QuotedIdentifier:
            case SqlTokenKind.DoubleQuotedString:
                // `f`( or, under ANSI_QUOTES, "f"(: quoting is how stored functions shadowing names are called.
                return StatementFlags.UnknownFunctionMayWrite;
            default:
                return StatementFlags.None;
        }
    }

    private static bool IsLastInsertIdVariable(ReadOnlySpan<byte> variable)
    {
        int dot = variable.LastIndexOf((byte)'.');
        ReadOnlySpan<byte> name = dot >= 0 ? variable.Slice(dot + 1) : variable.Slice(2);
        return System.Text.Ascii.EqualsIgnoreCase(name, "IDENTITY"u8)
               || System.Text.Ascii.EqualsIgnoreCase(name, "LAST_INSERT_ID"u8);
    }
}
