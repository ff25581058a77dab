using System.IO.Hashing;
using System.Text;
using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Digests;

/// <summary>
/// The digest of a statement: its text with every literal replaced by <c>?</c>, lists of literals collapsed to
/// <c>(...)</c> (so <c>IN (1,2,3)</c>, <c>IN (?,?)</c> and a multi-row <c>VALUES (1,'a'),(2,'b')</c> each fold to one
/// shape), comments dropped, whitespace and keyword case folded — plus a stable 64-bit hash of that text.
/// Statements that differ only in their values share a digest, so counters per digest stay few. Text and
/// prepared forms of a statement share one, because <c>?</c> placeholders count as literals.
/// </summary>
/// <remarks>Allocates nothing: the caller supplies the buffer, and normalised text beyond it is cut (the hash
/// covers what was written). Sign characters directly before a number after an operator, a comma or an opening
/// parenthesis are part of the literal.</remarks>
internal static class QueryDigest
{
    /// <summary>Normalised text longer than this is cut when the caller uses this size (as /digests does).</summary>
    public const int DefaultMaxLength = 1024;

    /// <summary>Writes the normalised text of <paramref name="sql"/> into <paramref name="destination"/> and
    /// returns the digest hash of what was written.</summary>
    public static ulong Normalize(ReadOnlySpan<byte> sql, Span<byte> destination, out int written, bool backslashEscapes = true)
    {
        var writer = new DigestWriter(destination);
        var lexer = new SqlLexer(sql, backslashEscapes);
        Span<Group> groups = stackalloc Group[MaxDepth];
        var depth = 0;
        var pending = default(SqlToken);
        var havePending = false;
        var previousEnd = -1;
        while (true)
        {
            var token = havePending ? pending : lexer.Next();
            havePending = false;
            if (token.Kind == SqlTokenKind.End)
            {
                if (!lexer.BeginNextStatement())
                    break;
                continue;
            }

            var next = lexer.Next();
            var literal = LiteralLength(ref lexer, token, ref next, writer.Previous, sql);
            if (literal > 0)
            {
                writer.Emit(Item.Literal, "?"u8);
                if (depth > 0 && depth <= MaxDepth)
                    groups[depth - 1].Literals++;
            }
            else
            {
                switch (token.Kind)
                {
                    case SqlTokenKind.LeftParen:
                        if (depth < MaxDepth)
                            groups[depth] = new Group(writer.Length, writer.Previous);
                        depth++;
                        // f(x) is a call and t (a, b) a column list: keep the client's choice.
                        writer.Emit(Item.Open, "("u8, joinPrevious: writer.Previous == Item.Word && token.Start == previousEnd);
                        break;
                    case SqlTokenKind.RightParen:
                        writer.Emit(Item.Close, ")"u8);
                        if (depth > 0)
                        {
                            depth--;
                            if (depth < MaxDepth)
                                CloseGroup(ref writer, groups[depth]);
                            if (depth > 0 && depth <= MaxDepth)
                                groups[depth - 1].Other = true;
                        }
                        break;
                    case SqlTokenKind.Comma:
                        writer.Emit(Item.Comma, ","u8);
                        break;
                    case SqlTokenKind.Dot:
                        writer.Emit(Item.Dot, "."u8);
                        MarkOther(groups, depth);
                        break;
                    case SqlTokenKind.Semicolon:
                        writer.Emit(Item.Semicolon, ";"u8);
                        depth = 0;
                        break;
                    case SqlTokenKind.Word:
                        writer.EmitWord(lexer.TextOf(token), DigestKeywords.IsKeyword(lexer.TextOf(token)));
                        MarkOther(groups, depth);
                        break;
                    case SqlTokenKind.Operator:
                        // "<=" lexes as two operators: written together only when the client wrote them together.
                        writer.Emit(Item.Operator, lexer.TextOf(token), joinPrevious: writer.Previous == Item.Operator && token.Start == previousEnd);
                        MarkOther(groups, depth);
                        break;
                    default:
                        writer.Emit(Item.Other, lexer.TextOf(token));
                        MarkOther(groups, depth);
                        break;
                }
            }
            previousEnd = token.End;
            pending = next;
            havePending = true;
        }
        written = writer.Length;
        return XxHash3.HashToUInt64(destination[..written]);
    }

    /// <summary>The normalised text of <paramref name="sql"/>, for tests and for the first sighting of a digest.</summary>
    public static string Normalize(string sql, int maxLength = DefaultMaxLength)
    {
        var buffer = new byte[maxLength];
        Normalize(Encoding.UTF8.GetBytes(sql), buffer, out var written);
        return Encoding.UTF8.GetString(buffer, 0, written);
    }

    private const int MaxDepth = 32;

    private static void MarkOther(Span<Group> groups, int depth)
    {
        if (depth > 0 && depth <= MaxDepth)
            groups[depth - 1].Other = true;
    }

    /// <summary>A parenthesised list of only literals becomes <c>(...)</c>; a run of such lists (multi-row VALUES)
    /// becomes one.</summary>
    private static void CloseGroup(ref DigestWriter writer, Group group)
    {
        if (group.Other || group.Literals == 0)
            return;
        writer.Truncate(group.Start, group.PreviousItem);
        writer.Emit(Item.Open, "("u8);
        writer.Emit(Item.Literal, "..."u8);
        writer.Emit(Item.Close, ")"u8);
        writer.DropRepeatedList(group.Start);
    }

    /// <summary>If <paramref name="token"/> starts a literal, consumes the rest of it from the lexer (leaving the
    /// token after it in <paramref name="next"/>) and returns a non-zero length.</summary>
    private static int LiteralLength(ref SqlLexer lexer, SqlToken token, ref SqlToken next, Item previous, ReadOnlySpan<byte> sql)
    {
        switch (token.Kind)
        {
            case SqlTokenKind.String or SqlTokenKind.DoubleQuotedString:
                // 'a' 'b' is one string in SQL.
                while (next.Kind is SqlTokenKind.String)
                    next = lexer.Next();
                return 1;
            case SqlTokenKind.Number:
                ContinueNumber(ref lexer, token, ref next, sql);
                return 1;
            case SqlTokenKind.Operator when sql[token.Start] == (byte)'?':
                return 1;
            case SqlTokenKind.Operator when sql[token.Start] is (byte)'-' or (byte)'+'
                                          && next.Kind == SqlTokenKind.Number && next.Start == token.End
                                          && previous is Item.None or Item.Operator or Item.Comma or Item.Open or Item.Keyword:
                var number = next;
                next = lexer.Next();
                ContinueNumber(ref lexer, number, ref next, sql);
                return 1;
            case SqlTokenKind.Dot when next.Kind == SqlTokenKind.Number && next.Start == token.End && previous is not (Item.Word or Item.Other or Item.Close):
                // .5
                var fraction = next;
                next = lexer.Next();
                ContinueNumber(ref lexer, fraction, ref next, sql);
                return 1;
            case SqlTokenKind.Word when next.Kind == SqlTokenKind.String && next.Start == token.End && IsIntroducer(lexer.TextOf(token)):
                // X'0A', b'101', N'text', _utf8mb4'text'
                next = lexer.Next();
                return 1;
            default:
                return 0;
        }
    }

    /// <summary>1.5 and 1e-5 lex as several tokens: they are one literal.</summary>
    private static void ContinueNumber(ref SqlLexer lexer, SqlToken number, ref SqlToken next, ReadOnlySpan<byte> sql)
    {
        var end = number.End;
        if (next.Kind == SqlTokenKind.Dot && next.Start == end)
        {
            end = next.End;
            next = lexer.Next();
            if (next.Kind == SqlTokenKind.Number && next.Start == end)
            {
                end = next.End;
                next = lexer.Next();
            }
        }
        if (sql[end - 1] is (byte)'e' or (byte)'E' && next.Kind == SqlTokenKind.Operator && next.Start == end && sql[end] is (byte)'-' or (byte)'+')
        {
            var sign = next;
            next = lexer.Next();
            if (next.Kind == SqlTokenKind.Number && next.Start == sign.End)
                next = lexer.Next();
        }
    }

    private static bool IsIntroducer(ReadOnlySpan<byte> word) =>
        word.Length == 1 && (word[0] | 0x20) is (byte)'x' or (byte)'b' or (byte)'n' || word.Length > 1 && word[0] == (byte)'_';

    private struct Group(int start, Item previousItem)
    {
        public readonly int Start = start;
        public readonly Item PreviousItem = previousItem;
        public int Literals;
        public bool Other;
    }
}
