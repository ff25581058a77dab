using System.Buffers;
using System.Text;
using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Consistency;

/// <summary>Finds consistency tags in SQL text (see <see cref="StatementTags"/>). Statements without "/*" cost one
/// vectorised search and allocate nothing.</summary>
internal static class StatementTagParser
{
    // Where the scan must look closer: quotes (skipped), line comments (skipped: a "/*" inside one is not a
    // comment), and the '/' of a block comment.
    private static readonly SearchValues<byte> Interesting = SearchValues.Create("'\"`#-/"u8);

    /// <summary>Reads the tags of a statement given as UTF-8 bytes. Later tags override earlier ones.</summary>
    public static StatementTags Parse(ReadOnlySpan<byte> sql, ClassificationOptions options)
    {
        int lastCommentStart = sql.LastIndexOf("/*"u8);
        if (lastCommentStart < 0)
        {
            return StatementTags.None;
        }

        bool backslashEscapes = (options & ClassificationOptions.NoBackslashEscapes) == 0;
        var tags = new StatementTagsBuilder();
        int position = 0;
        while (position <= lastCommentStart)
        {
            int next = sql[position..].IndexOfAny(Interesting);
            if (next < 0)
            {
                break;
            }

            position += next;
            switch (sql[position])
            {
                case (byte)'\'':
                case (byte)'"':
                    position = SkipQuoted(sql, position, backslashEscapes);
                    break;
                case (byte)'`':
                    position = SkipQuoted(sql, position, backslashEscapes: false);
                    break;
                case (byte)'#':
                    position = SkipLine(sql, position);
                    break;
                case (byte)'-':
                    position = IsDashComment(sql, position) ? SkipLine(sql, position) : position + 1;
                    break;
                default:
                    if (position + 1 < sql.Length && sql[position + 1] == (byte)'*')
                    {
                        int length = sql[(position + 2)..].IndexOf("*/"u8);
                        if (length < 0)
                        {
                            // Unterminated: the server would reject it, or the text was cut; nothing more to read.
                            return tags.Build();
                        }

                        ReadComment(sql.Slice(position + 2, length).Trim(" \t\r\n"u8), ref tags);
                        position += length + 4;
                    }
                    else
                    {
                        position++;
                    }

                    break;
            }
        }

        return tags.Build();
    }

    private static void ReadComment(ReadOnlySpan<byte> content, ref StatementTagsBuilder tags)
    {
        if (content.IsEmpty || content[0] is (byte)'!' or (byte)'+' || content.StartsWith("M!"u8))
        {
            // Executable comments are code for the server and /*+ */ holds optimizer hints: neither is ours.
            return;
        }

        if (content.Length >= 3 && Ascii.EqualsIgnoreCase(content[..3], "sy:"u8))
        {
            tags.ApplyShortHint(content[3..]);
        }
        else if (SqlCommenterReader.IsSqlCommenter(content))
        {
            var reader = new SqlCommenterReader(content);
            while (reader.TryNext(out var key, out var rawValue))
            {
                tags.ApplyPair(key, rawValue);
            }
        }
    }

    /// <summary>Returns the offset after the closing quote (a doubled quote reads as two adjacent strings, which
    /// skips the same bytes), or the end when the string is unterminated.</summary>
    private static int SkipQuoted(ReadOnlySpan<byte> sql, int start, bool backslashEscapes)
    {
        byte quote = sql[start];
        int position = start + 1;
        while (position < sql.Length)
        {
            ReadOnlySpan<byte> rest = sql[position..];
            int next = backslashEscapes ? rest.IndexOfAny(quote, (byte)'\\') : rest.IndexOf(quote);
            if (next < 0)
            {
                return sql.Length;
            }

            position += next;
            if (sql[position] == quote)
            {
                return position + 1;
            }

            position += 2;
        }

        return sql.Length;
    }

    private static int SkipLine(ReadOnlySpan<byte> sql, int start)
    {
        int newline = sql[start..].IndexOf((byte)'\n');
        return newline < 0 ? sql.Length : start + newline + 1;
    }

    // "--" starts a comment only when followed by whitespace, a control character or the end (MySQL's rule).
    private static bool IsDashComment(ReadOnlySpan<byte> sql, int position) =>
        position + 1 < sql.Length && sql[position + 1] == (byte)'-' && (position + 2 == sql.Length || sql[position + 2] <= (byte)' ');
}
