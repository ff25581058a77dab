using System.Text;

namespace Switchyard.Routing.Classification;

/// <summary>
/// Extracts the session state that SET and USE statements change, for the session-state tracker. Called
/// only for statements classified as <see cref="StatementClass.SessionState"/> (or for multi-statements
/// containing them), so unlike <see cref="StatementClassifier"/> it may allocate.
/// </summary>
internal static class SessionStateParser
{
    /// <summary>
    /// Returns every assignment made by the SET and USE statements in <paramref name="sql"/>, in order;
    /// other statements are skipped. SET STATEMENT ... FOR changes nothing lasting and yields nothing.
    /// GLOBAL assignments are included with <see cref="SessionVariableScope.Global"/>.
    /// </summary>
    public static IReadOnlyList<SessionAssignment> Parse(ReadOnlySpan<byte> sql, ClassificationOptions options = ClassificationOptions.None)
    {
        var lexer = new SqlLexer(sql, backslashEscapes: (options & ClassificationOptions.NoBackslashEscapes) == 0);
        var assignments = new List<SessionAssignment>();
        do
        {
            SqlToken first = lexer.Next();
            if (lexer.IsWord(first, "SET"u8))
            {
                ParseSet(ref lexer, sql, assignments);
            }
            else if (lexer.IsWord(first, "USE"u8))
            {
                AddRest(ref lexer, sql, SessionAssignmentKind.Database, SessionVariableScope.Session, "database", assignments);
            }

            lexer.SkipToStatementEnd();
        }
        while (lexer.BeginNextStatement());

        return assignments;
    }

    /// <summary>Parses SQL given as a string (tests and tools).</summary>
    public static IReadOnlyList<SessionAssignment> Parse(string sql, ClassificationOptions options = ClassificationOptions.None) =>
        Parse(Encoding.UTF8.GetBytes(sql), options);

    private static void ParseSet(ref SqlLexer lexer, ReadOnlySpan<byte> sql, List<SessionAssignment> assignments)
    {
        SqlToken token = lexer.Next();
        if (lexer.IsWord(token, "STATEMENT"u8) || lexer.IsWord(token, "PASSWORD"u8)
            || lexer.IsWord(token, "DEFAULT"u8) || lexer.IsWord(token, "RESOURCE"u8))
        {
            return;
        }

        if (lexer.IsWord(token, "TRANSACTION"u8))
        {
            ParseTransaction(ref lexer, sql, SessionVariableScope.NextTransaction, assignments);
            return;
        }

        if (lexer.IsWord(token, "ROLE"u8))
        {
            AddRest(ref lexer, sql, SessionAssignmentKind.Role, SessionVariableScope.Session, "role", assignments);
            return;
        }

        ParseAssignments(ref lexer, sql, token, assignments);
    }

    private static void ParseAssignments(ref SqlLexer lexer, ReadOnlySpan<byte> sql, SqlToken token, List<SessionAssignment> assignments)
    {
        var keywordScope = SessionVariableScope.Session;
        while (true)
        {
            // NAMES x and CHARACTER SET x may stand anywhere in the list: "SET NAMES utf8mb4, sql_mode = ''".
            bool isNames = lexer.IsWord(token, "NAMES"u8);
            if (SetStatementClassifier.IsCharsetItem(ref lexer, token, out bool valid))
            {
                if (!valid)
                {
                    return;
                }

                bool moreItems = ReadValue(ref lexer, stopAtComma: true, out int valueStart, out int valueEnd);
                if (valueEnd > valueStart)
                {
                    assignments.Add(isNames
                        ? new SessionAssignment(SessionAssignmentKind.Names, SessionVariableScope.Session, "names", Text(sql, valueStart, valueEnd))
                        : new SessionAssignment(SessionAssignmentKind.CharacterSet, SessionVariableScope.Session, "character_set", Text(sql, valueStart, valueEnd)));
                }

                if (!moreItems)
                {
                    return;
                }

                token = lexer.Next();
                continue;
            }

            if (SetStatementClassifier.IsGlobalScopeWord(ref lexer, token))
            {
                keywordScope = SessionVariableScope.Global;
                token = lexer.Next();
            }
            else if (lexer.IsWord(token, "SESSION"u8) || lexer.IsWord(token, "LOCAL"u8))
            {
                keywordScope = SessionVariableScope.Session;
                token = lexer.Next();
            }

            if (lexer.IsWord(token, "TRANSACTION"u8))
            {
                ParseTransaction(ref lexer, sql, keywordScope, assignments);
                return;
            }

            SessionAssignmentKind kind;
            SessionVariableScope scope = keywordScope;
            string name;
            switch (token.Kind)
            {
                case SqlTokenKind.UserVariable:
                    kind = SessionAssignmentKind.UserVariable;
                    scope = SessionVariableScope.Session;
                    name = NormalizeName(lexer.TextOf(token).Slice(1));
                    break;
                case SqlTokenKind.SystemVariable:
                    ReadOnlySpan<byte> variable = lexer.TextOf(token);
                    kind = SessionAssignmentKind.SystemVariable;
                    scope = SetStatementClassifier.IsGlobalSystemVariable(variable)
                        ? SessionVariableScope.Global
                        : SessionVariableScope.Session;
                    name = NormalizeName(SetStatementClassifier.VariableName(variable));
                    break;
                case SqlTokenKind.Word:
                case SqlTokenKind.QuotedIdentifier:
                    kind = SessionAssignmentKind.SystemVariable;
                    name = NormalizeName(lexer.TextOf(token));
                    break;
                default:
                    return;
            }

            token = lexer.Next();
            if (token.Kind == SqlTokenKind.Dot)
            {
                // keycache1.key_buffer_size
                SqlToken member = lexer.Next();
                name = name + "." + NormalizeName(lexer.TextOf(member));
                token = lexer.Next();
            }

            if (token.Kind != SqlTokenKind.ColonEquals && !SetStatementClassifier.IsEqualsSign(ref lexer, token))
            {
                return;
            }

            bool more = ReadValue(ref lexer, stopAtComma: true, out int start, out int end);
            assignments.Add(new SessionAssignment(kind, scope, name, Text(sql, start, end)));
            if (!more)
            {
                return;
            }

            token = lexer.Next();
        }
    }

    // [SESSION|GLOBAL] TRANSACTION characteristic [, characteristic]: ISOLATION LEVEL x | READ ONLY | READ WRITE.
    private static void ParseTransaction(ref SqlLexer lexer, ReadOnlySpan<byte> sql, SessionVariableScope scope, List<SessionAssignment> assignments)
    {
        while (true)
        {
            bool more = ReadValue(ref lexer, stopAtComma: true, out int start, out int end);
            if (end > start)
            {
                ReadOnlySpan<byte> text = sql[start..end];
                string name = Ascii.EqualsIgnoreCase(text[..Math.Min(text.Length, 9)], "ISOLATION"u8)
                    ? "transaction_isolation"
                    : "transaction_read_only";
                assignments.Add(new SessionAssignment(SessionAssignmentKind.TransactionCharacteristic, scope, name, Text(sql, start, end)));
            }

            if (!more)
            {
                return;
            }
        }
    }

    private static void AddRest(
        ref SqlLexer lexer, ReadOnlySpan<byte> sql, SessionAssignmentKind kind, SessionVariableScope scope, string name,
        List<SessionAssignment> assignments)
    {
        ReadValue(ref lexer, stopAtComma: false, out int start, out int end);
        if (end > start)
        {
            assignments.Add(new SessionAssignment(kind, scope, name, Text(sql, start, end)));
        }
    }

    // Reads an expression up to a comma outside parentheses (when asked) or the end of the statement, and
    // returns the span from its first token to the end of its last, so surrounding whitespace is dropped.
    // Returns true when it stopped at a comma, i.e. another item follows.
    private static bool ReadValue(ref SqlLexer lexer, bool stopAtComma, out int start, out int end)
    {
        start = -1;
        end = -1;
        int depth = 0;
        for (SqlToken token = lexer.Next(); !token.IsEnd; token = lexer.Next())
        {
            if (token.Kind == SqlTokenKind.Comma && stopAtComma && depth == 0)
            {
                FixEmpty(ref lexer, ref start, ref end);
                return true;
            }

            if (token.Kind == SqlTokenKind.LeftParen)
            {
                depth++;
            }
            else if (token.Kind == SqlTokenKind.RightParen && depth > 0)
            {
                depth--;
            }

            if (start < 0)
            {
                start = token.Start;
            }

            end = token.End;
        }

        FixEmpty(ref lexer, ref start, ref end);
        return false;
    }

    private static void FixEmpty(ref SqlLexer lexer, ref int start, ref int end)
    {
        if (start < 0)
        {
            start = end = lexer.Position;
        }
    }

    private static string Text(ReadOnlySpan<byte> sql, int start, int end) => Encoding.UTF8.GetString(sql[start..end]);

    // Names are case-insensitive: strip quotes and lower-case them so they work as keys.
    private static string NormalizeName(ReadOnlySpan<byte> name)
    {
        if (name.Length >= 2 && name[0] is (byte)'`' or (byte)'\'' or (byte)'"' && name[^1] == name[0])
        {
            name = name[1..^1];
        }

        return Encoding.UTF8.GetString(name).ToLowerInvariant();
    }
}
